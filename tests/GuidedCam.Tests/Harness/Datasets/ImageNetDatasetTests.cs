using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class ImageNetDatasetTests
{
    private static string Root => SharedPaths.Require("datasets", "imagenet-mini");

    private static DatasetSpec Spec(string root, string? labelFile = null) =>
        new() { Name = "imagenet-mini", Kind = "imagenet", Root = root, LabelFile = labelFile };

    // val.txt of the shared mini set (sorted-wnid indices), in id order.
    private static readonly int[] ValTxtLabels = { 65, 57, 334, 23, 334, 173, 948, 23, 846, 324, 150, 981 };

    [Fact]
    public void Reads_the_mini_set_counts_classes_and_boxes()
    {
        var ds = (ImageNetDataset)DatasetLoader.Open(Spec(Root));
        // 12 images and 20 boxes per datasets/README.md (counted in the XML files: 1+1+1+1+2+4+5+1+1+1+1+1).
        Assert.Equal(12, ds.ItemIds.Count);
        Assert.Equal(20, ds.ItemIds.Sum(id => ds.Annotations(id).Count));
        Assert.Equal("imagenet1k", ds.LabelSpace);
        Assert.Equal(1000, ds.ClassNames.Count);
        Assert.Equal("n01440764", ds.Wnids[0]);           // sorted-wnid order: index 0 = tench
        Assert.StartsWith("tench", ds.ClassNames[0]);
        Assert.EndsWith(ImageNetDataset.LocCsv, ds.LabelSource); // auto picks LOC_val_solution.csv first

        // ILSVRC2012_val_00000001.xml: xmin 111, ymin 108, xmax 441, ymax 193 (0-based inclusive) → [111, 442) × [108, 194).
        var b = Assert.Single(ds.Annotations("ILSVRC2012_val_00000001")).Box;
        Assert.Equal(new Box(111, 108, 442, 194), b);
        Assert.Equal((111, 108, 442, 194), b.PixelRange(496, 368)); // 331 columns: 111…441 inclusive
    }

    [Fact]
    public void All_three_label_files_give_the_same_labels()
    {
        // LOC csv (wnids), val.txt (sorted index) and devkit ids (1-based devkit order, e.g. 490 for image 1)
        // through ilsvrc2012_id_to_wnid.txt must all land on the val.txt index.
        foreach (string variant in new[] { "loc-csv", "val-txt", "devkit" })
        {
            var ds = (ImageNetDataset)DatasetLoader.Open(Spec(Root, variant));
            int[] labels = ds.ItemIds.Select(id => ds.Annotations(id).Select(o => o.ClassIndex).Distinct().Single()).ToArray();
            Assert.Equal(ValTxtLabels, labels);
        }
        // The devkit order really is different: devkit id 490 (image 1) is not the sorted index 65.
        Assert.NotEqual(490, ValTxtLabels[0]);
    }

    [Fact]
    public void Loads_an_item_with_geometry_label_and_all_boxes()
    {
        var ds = DatasetLoader.Open(Spec(Root));
        var item = ds.Load("ILSVRC2012_val_00000022", Preprocessing.ImageNet224);
        // 368×496 portrait: Resize(256) → 256×345, crop 224 at (16, round(60.5) = 60).
        Assert.Equal(new PreprocessGeometry(368, 496, 256, 345, 16, 60, 224, 224), item.Geometry);
        Assert.Equal(3 * 224 * 224, item.Input.Length);
        Assert.Equal(new[] { 173 }, item.Labels);     // val.txt: 173
        Assert.Equal(4, item.Objects.Count);          // four n02091244 boxes in the XML
        // ymax 495 (0-based inclusive) → Y2 = 496 = the image height, kept as is by clipping.
        Assert.Equal(new Box(196, 307, 291, 496), item.Objects[0].Box);
    }

    [Fact]
    public void Class_filter_sample_and_limit_select_deterministically()
    {
        // n02346627 (porcupine, index 334) labels images 7 and 21; "porcupine" is its first name.
        var byWnid = DatasetLoader.Open(Spec(Root) with { Classes = new[] { "n02346627" } });
        Assert.Equal(new[] { "ILSVRC2012_val_00000007", "ILSVRC2012_val_00000021" }, byWnid.ItemIds);
        Assert.Equal(byWnid.ItemIds, DatasetLoader.Open(Spec(Root) with { Classes = new[] { "Porcupine" } }).ItemIds);
        var bad = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(Root) with { Classes = new[] { "unicorn" } }));
        Assert.Contains("unicorn", bad.Message);

        var all = DatasetLoader.Open(Spec(Root)).ItemIds;
        var s1 = DatasetLoader.Open(Spec(Root) with { Sample = 5, Seed = 7 }).ItemIds;
        var s1Again = DatasetLoader.Open(Spec(Root) with { Sample = 5, Seed = 7 }).ItemIds;
        Assert.Equal(s1, s1Again);
        Assert.Equal(5, s1.Distinct().Count());
        Assert.Equal(all.Where(s1.Contains), s1); // a subset, in dataset order
        // Over 20 seeds, at least two different draws (a fixed draw would mean the seed is ignored).
        Assert.True(Enumerable.Range(0, 20).Select(seed => string.Join(',', DatasetLoader.Open(Spec(Root) with { Sample = 5, Seed = seed }).ItemIds)).Distinct().Count() > 1);
        Assert.Equal(s1.Take(2), DatasetLoader.Open(Spec(Root) with { Sample = 5, Seed = 7, Limit = 2 }).ItemIds);
    }

    [Fact]
    public void Layout_problems_are_all_reported_with_their_paths()
    {
        using var temp = TempDir.CopyOf(Root);
        string dir = temp.Folder;
        string missingXml = Path.Combine(dir, "ILSVRC2012_bbox_val", "val", "ILSVRC2012_val_00000006.xml");
        File.Delete(missingXml);
        string strayXml = Path.Combine(dir, "ILSVRC2012_bbox_val", "val", "ILSVRC2012_val_00000099.xml");
        File.Copy(Path.Combine(dir, "ILSVRC2012_bbox_val", "val", "ILSVRC2012_val_00000001.xml"), strayXml);
        var e = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Equal(2, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains(missingXml) && p.Contains("image without box annotation"));
        Assert.Contains(e.Problems, p => p.StartsWith(strayXml) && p.Contains("without image"));

        File.Delete(strayXml);
        File.Copy(Path.Combine(dir, "ILSVRC2012_bbox_val", "val", "ILSVRC2012_val_00000001.xml"), missingXml);
        File.Delete(Path.Combine(dir, "LOC_synset_mapping.txt"));
        File.Delete(Path.Combine(dir, "synset_words.txt"));
        var noClasses = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Contains("LOC_synset_mapping.txt", noClasses.Message);
    }

    [Fact]
    public void Without_the_box_folder_boxes_come_from_the_LOC_csv_only()
    {
        using var temp = TempDir.CopyOf(Root);
        string dir = temp.Folder;
        var fromXml = DatasetLoader.Open(Spec(dir)) as ImageNetDataset;
        Directory.Delete(Path.Combine(dir, "ILSVRC2012_bbox_val"), true);
        // LOC_val_solution.csv repeats the official boxes in the XML's 0-based inclusive numbers.
        var fromCsv = (ImageNetDataset)DatasetLoader.Open(Spec(dir));
        foreach (string id in fromXml!.ItemIds)
            Assert.Equal(fromXml.Annotations(id).Select(o => (o.ClassIndex, o.Box)), fromCsv.Annotations(id).Select(o => (o.ClassIndex, o.Box)));
        // val.txt has no boxes, so the missing folder is a layout error naming it.
        var e = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir, "val-txt")));
        Assert.Contains(Path.Combine(dir, "ILSVRC2012_bbox_val", "val"), e.Message);
    }

    [Fact]
    public void Truncated_image_is_an_item_error_not_a_layout_error()
    {
        using var temp = TempDir.CopyOf(Root);
        string dir = temp.Folder;
        string jpg = Path.Combine(dir, "ILSVRC2012_img_val", "ILSVRC2012_val_00000018.JPEG");
        byte[] bytes = File.ReadAllBytes(jpg);
        File.WriteAllBytes(jpg, bytes[..(bytes.Length * 2 / 3)]);
        var ds = DatasetLoader.Open(Spec(dir));               // the layout is fine
        var e = Assert.Throws<ItemLoadException>(() => ds.Load("ILSVRC2012_val_00000018", Preprocessing.ImageNet224));
        Assert.Equal("ILSVRC2012_val_00000018", e.ItemId);
        Assert.NotNull(ds.Load("ILSVRC2012_val_00000025", Preprocessing.ImageNet224)); // the others still load
    }
}
