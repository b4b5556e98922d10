using System.Text.Json;
using System.Text.Json.Nodes;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Tests.Harness.Datasets;

public class CocoDatasetTests
{
    private static string Root => SharedPaths.Require("datasets", "coco2014-mini");

    private static DatasetSpec Spec(string root) => new() { Name = "coco-mini", Kind = "coco", Root = root };

    [Fact]
    public void Reads_the_mini_set_with_contiguous_classes_and_boxes()
    {
        var ds = (CocoDataset)DatasetLoader.Open(Spec(Root));
        // instances_val2014.json of the mini set (counted with a python json one-liner): 10 images, 14 real person
        // boxes + 32 hand-made ("handmade": true) = 46 annotations, 80 categories.
        Assert.Equal(10, ds.ItemIds.Count);
        Assert.Equal(46, ds.ItemIds.Sum(id => ds.Annotations(id).Count));
        Assert.Equal(0, ds.ImagesWithoutAnnotations);
        Assert.Equal(80, ds.ClassNames.Count);
        Assert.Equal("coco80", ds.LabelSpace);
        // Ids 1..90 with gaps: id 18 (dog) is the 17th category → index 16; id 90 (toothbrush) → 79.
        Assert.Equal(("person", 1), (ds.ClassNames[0], ds.CategoryIds[0]));
        Assert.Equal(("dog", 18), (ds.ClassNames[16], ds.CategoryIds[16]));
        Assert.Equal(("toothbrush", 90), (ds.ClassNames[79], ds.CategoryIds[79]));
        // Ordered by image id: the real images (785 …) before the hand-made ones (900000001 …).
        Assert.Equal("COCO_val2014_000000000785", ds.ItemIds[0]);
        Assert.Equal("darknet_dog", ds.ItemIds[4]);

        // Annotation 910000001: dog, bbox [132, 220, 179, 323] → [132, 311) × [220, 543).
        var dog = ds.Annotations("darknet_dog")[0];
        Assert.Equal(16, dog.ClassIndex);
        Assert.Equal(new Box(132, 220, 311, 543), dog.Box);
        Assert.Equal((132, 220, 311, 543), dog.Box.PixelRange(768, 576));
        // A real fractional box (annotation 442619): [280.79, 44.73, 218.7, 346.68].
        var person = Assert.Single(ds.Annotations("COCO_val2014_000000000785"));
        Assert.Equal(280.79 + 218.7, person.Box.X2, 9);
        // Columns: first centre ≥ 280.79 is 281.5 → 281; last centre < 499.49 is 498.5 → end 499.
        // Rows: first centre ≥ 44.73 is 45.5 → 45; last centre < 391.41 is 390.5 → end 391.
        Assert.Equal((281, 45, 499, 391), person.Box.PixelRange(640, 425));

        var item = ds.Load("darknet_dog", Preprocessing.ImageNet224);
        // Annotations 910000001–4: dog (id 18), bicycle (2), truck (8), motorcycle (4) → indices 16, 1, 7, 3.
        Assert.Equal(new[] { 1, 3, 7, 16 }, item.Labels);
        Assert.All(item.Objects, o => Assert.Null(o.Mask)); // the mini set has empty segmentations
    }

    [Fact]
    public void Compressed_rle_decodes_hand_encoded_strings()
    {
        // By hand from the maskApi.c format: a char is 48 + a 5-bit group, 0x20 = more groups, 0x10 of the
        // last group = negative; from the 4th run on the value is the difference to the run two before.
        Assert.Equal(new long[] { 3, 2, 4 }, CocoMask.DecodeCompressedCounts("324"));
        Assert.Equal(new long[] { 1, 2, 3, 5 }, CocoMask.DecodeCompressedCounts("1233"));   // 5 stored as 5 − 2 = 3
        Assert.Equal(new long[] { 1, 10, 1, 2 }, CocoMask.DecodeCompressedCounts("1:1H"));  // 2 − 10 = −8 → 24 + 48 = 'H'
        Assert.Equal(new long[] { 100 }, CocoMask.DecodeCompressedCounts("T3"));           // 100 = 4 + 3·32: 'T' = 48 + 4 + 0x20, '3' = 48 + 3
        Assert.Equal("1:1H", CocoMask.EncodeCompressedCounts(new long[] { 1, 10, 1, 2 }));
        // Column-major: h = 2, w = 3, runs [1, 2, 3] set flat pixels 1 and 2 = (row 1, col 0) and (row 0, col 1).
        Assert.Equal(new[] { false, true, false, true, false, false }, CocoMask.DecodeRle(new long[] { 1, 2, 3 }, 3, 2));
        Assert.Throws<FormatException>(() => CocoMask.DecodeRle(new long[] { 1, 2 }, 3, 2)); // covers 3 of 6 pixels
    }

    [Fact]
    public void Polygon_and_rle_masks_are_decoded_at_original_size()
    {
        using var temp = TempDir.Create();
        string dir = temp.Folder;
        const int w = 64, h = 48;
        Directory.CreateDirectory(Path.Combine(dir, "val2014"));
        Directory.CreateDirectory(Path.Combine(dir, "annotations"));
        using (var img = new Image<Rgb24>(w, h, new Rgb24(90, 120, 150))) img.SaveAsJpeg(Path.Combine(dir, "val2014", "COCO_val2014_000000000001.jpg"));

        // Triangle (4,4), (60,10), (20,44): shoelace area |4(10−44) + 60(44−4) + 20(4−10)| / 2 = 1072,
        // perimeter 56.32 + 52.50 + 43.08 = 151.9.
        double[] triangle = { 4, 4, 60, 10, 20, 44 };
        // Rectangle rows 5..14 × columns 10..29 (200 px) as column-major runs: 10 empty columns + 5 rows,
        // then per column 10 ones and 38 zeros (33 below + 5 above the next), the last column's tail and
        // the 34 empty columns after it in one run.
        var runs = new List<long> { 10 * h + 5 };
        for (int c = 10; c < 30; c++) { runs.Add(10); runs.Add(c < 29 ? 38 : 33 + 34 * h); }
        var json = CocoJsonWith(
            Annotation(1, 18, new[] { 4.0, 4, 56, 40 }, new JsonArray(new JsonArray(triangle.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>())), crowd: 0),
            Annotation(2, 1, new[] { 10.0, 5, 20, 10 }, new JsonObject { ["counts"] = new JsonArray(runs.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>()), ["size"] = new JsonArray(h, w) }, crowd: 1),
            Annotation(3, 1, new[] { 10.0, 5, 20, 10 }, new JsonObject { ["counts"] = CocoMask.EncodeCompressedCounts(runs), ["size"] = new JsonArray(h, w) }, crowd: 1));
        File.WriteAllText(Path.Combine(dir, "annotations", "instances_val2014.json"), json.ToJsonString());

        var ds = DatasetLoader.Open(Spec(dir));
        var item = ds.Load("COCO_val2014_000000000001", Preprocessing.ImageNet224);
        var (tri, rle, compressed) = (item.Objects[0], item.Objects[1], item.Objects[2]);
        Assert.Equal((false, true), (tri.Crowd, rle.Crowd));

        // Centre sampling of a convex region: A − P/2 < N < A + P/2 + 1 (Nosarzewska 1948, lattice
        // points in a convex domain), so |N − 1072| must be within 151.9/2 + 1 ≈ 77 pixels.
        bool[] triMask = Assert.IsType<bool[]>(tri.Mask), rleMask = Assert.IsType<bool[]>(rle.Mask);
        int n = triMask.Count(v => v);
        Assert.InRange(n, 1072 - 75.9, 1072 + 76.9);
        // An independent even–odd count of pixel centres (a 10-line python script) also gives 1072.
        Assert.Equal(1072, n);
        Assert.True(triMask[19 * w + 28]);  // the centroid (28, 19.3) is inside
        Assert.False(triMask[40 * w + 5]);  // below-left of edge (20,44)–(4,4)
        Assert.False(triMask[3 * w + 30]);  // above the top edge
        Assert.Equal(w * h, triMask.Length);

        Assert.Equal(200, rleMask.Count(v => v));
        Assert.True(rleMask[5 * w + 10] && rleMask[14 * w + 29]);      // first and last pixel of the rectangle
        Assert.False(rleMask[4 * w + 10] || rleMask[15 * w + 29] || rleMask[5 * w + 30] || rleMask[5 * w + 9]);
        Assert.Equal(rleMask, compressed.Mask);
    }

    [Fact]
    public void Broken_annotation_files_give_clear_errors()
    {
        using var temp = TempDir.CopyOf(Root);
        string dir = temp.Folder;
        string jsonPath = Path.Combine(dir, "annotations", "instances_val2014.json");
        var original = JsonNode.Parse(File.ReadAllText(jsonPath))!;

        var wrongType = original.DeepClone();
        wrongType["annotations"]![3]!["bbox"] = "38.08 110.95 174.71 174.71";
        File.WriteAllText(jsonPath, wrongType.ToJsonString());
        var e1 = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Contains(jsonPath, e1.Message);
        Assert.Contains("$.annotations[3].bbox", e1.Message);

        var missing = original.DeepClone().AsObject();
        missing.Remove("categories");
        File.WriteAllText(jsonPath, missing.ToJsonString());
        Assert.Contains("categories", Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir))).Message);

        // An image file the annotation file does not list, and an annotation of an unknown category.
        var badCategory = original.DeepClone();
        badCategory["annotations"]![0]!["category_id"] = 12; // 12 is one of COCO's unused ids
        File.WriteAllText(jsonPath, badCategory.ToJsonString());
        string stray = Path.Combine(dir, "val2014", "stray.jpg");
        File.Copy(Path.Combine(dir, "val2014", "darknet_dog.jpg"), stray);
        var e3 = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Spec(dir)));
        Assert.Contains(e3.Problems, p => p.StartsWith(stray) && p.Contains("not listed"));
        Assert.Contains(e3.Problems, p => p.Contains("annotation 442619: category_id 12"));
    }

    private static JsonObject CocoJsonWith(params JsonObject[] annotations)
    {
        var shared = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "annotations", "instances_val2014.json")))!;
        return new JsonObject
        {
            ["images"] = new JsonArray(new JsonObject { ["id"] = 1, ["file_name"] = "COCO_val2014_000000000001.jpg", ["width"] = 64, ["height"] = 48 }),
            ["annotations"] = new JsonArray(annotations.ToArray<JsonNode?>()),
            ["categories"] = shared["categories"]!.DeepClone(),
        };
    }

    private static JsonObject Annotation(long id, int category, double[] bbox, JsonNode segmentation, int crowd) => new()
    {
        ["id"] = id, ["image_id"] = 1, ["category_id"] = category, ["iscrowd"] = crowd,
        ["bbox"] = new JsonArray(bbox.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>()),
        ["segmentation"] = segmentation,
    };
}
