using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class VocDatasetTests
{
    private static string Root => SharedPaths.Require("datasets", "voc2012-mini");

    private static DatasetSpec Spec(string root) => new() { Name = "voc-mini", Kind = "voc", Root = root };

    [Fact]
    public void Reads_the_mini_set_with_boxes_and_flags()
    {
        var ds = (VocDataset)DatasetLoader.Open(Spec(Root));
        // ImageSets/Main/val.txt lists 5 ids; the XML files hold 4 + 1 + 5 + 10 + 3 = 23 objects, 2 of them difficult.
        Assert.Equal(new[] { "darknet_dog", "darknet_eagle", "darknet_horses", "darknet_person", "darknet_kite" }, ds.ItemIds);
        var objects = ds.ItemIds.SelectMany(ds.Annotations).ToList();
        Assert.Equal(23, objects.Count);
        Assert.Equal(2, objects.Count(o => o.Difficult));
        Assert.Equal(20, ds.ClassNames.Count);
        Assert.Equal("voc20", ds.LabelSpace);

        // darknet_dog.xml: dog at xmin 133, ymin 221, xmax 311, ymax 543 (1-based inclusive) → [132, 311) × [220, 543).
        var dog = ds.Annotations("darknet_dog")[0];
        Assert.Equal(11, dog.ClassIndex); // dog is the 12th VOC class
        Assert.Equal(new Box(132, 220, 311, 543), dog.Box);
        Assert.Equal((132, 220, 311, 543), dog.Box.PixelRange(768, 576)); // 179 columns = 311 − 133 + 1
        // Its 4th object, a motorbike (class 13), is the difficult one.
        var motorbike = ds.Annotations("darknet_dog")[3];
        Assert.Equal((13, true), (motorbike.ClassIndex, motorbike.Difficult));

        var item = ds.Load("darknet_dog", Preprocessing.ImageNet224);
        Assert.Equal((768, 576), (item.OriginalWidth, item.OriginalHeight));
        Assert.Equal(new[] { 1, 6, 11, 13 }, item.Labels); // bicycle, car, dog, motorbike
    }

    [Fact]
    public void Class_filter_keeps_images_with_that_class()
    {
        // person appears in darknet_person and darknet_kite only.
        var ds = DatasetLoader.Open(Spec(Root) with { Classes = new[] { "person" } });
        Assert.Equal(new[] { "darknet_person", "darknet_kite" }, ds.ItemIds);
    }

    [Fact]
    public void Broken_layouts_name_the_file()
    {
        using var temp = TempDir.CopyOf(Root);
        string dir = temp.Folder;
        string year = Path.Combine(dir, "VOCdevkit", "VOC2012");

        // A split without a file.
        var noSplit = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir) with { Split = "train" }));
        Assert.Contains(Path.Combine(year, "ImageSets", "Main", "train.txt"), noSplit.Message);

        // A missing annotation.
        string xml = Path.Combine(year, "Annotations", "darknet_eagle.xml");
        File.Delete(xml);
        var e = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Contains(e.Problems, p => p.Contains(xml) && p.Contains("image without annotation"));

        // An empty split file.
        string empty = Path.Combine(year, "ImageSets", "Main", "trainval.txt");
        File.WriteAllText(empty, "\n");
        var e2 = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir) with { Split = "trainval" }));
        Assert.Contains($"{empty}: split file lists no image ids", e2.Message);

        // An unknown class and a non-numeric coordinate are both reported, with the file.
        string dogXml = Path.Combine(year, "Annotations", "darknet_dog.xml");
        File.WriteAllText(dogXml, File.ReadAllText(dogXml).Replace("<name>car</name>", "<name>truck</name>").Replace("<xmin>133</xmin>", "<xmin>13x</xmin>"));
        File.Copy(Path.Combine(Root, "VOCdevkit", "VOC2012", "Annotations", "darknet_eagle.xml"), xml);
        var e3 = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Contains(e3.Problems, p => p.StartsWith(dogXml) && p.Contains("'13x'"));
        Assert.Contains(e3.Problems, p => p.StartsWith(dogXml) && p.Contains("'truck', not one of the 20 VOC classes"));
    }
}
