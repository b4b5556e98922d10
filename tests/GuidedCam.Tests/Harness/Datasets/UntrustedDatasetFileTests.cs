using System.Text.Json.Nodes;
using GuidedCam.Harness.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Tests.Harness.Datasets;

/// <summary>
/// Annotation files and images from outside: an annotation that does not fit its image, an XML file
/// with a DTD, an image over the pixel limit. Each is a skip of that item with its reason (the runner
/// records and logs ItemLoadException), never a silent miss.
/// </summary>
public sealed class UntrustedDatasetFileTests : IDisposable
{
    private readonly TempDir _temp = TempDir.Create();

    private string _dir => _temp.Folder;

    public void Dispose() => _temp.Dispose();

    private string VocCopy()
    {
        TempDir.CopyTree(SharedPaths.Require("datasets", "voc2012-mini"), _dir);
        return Path.Combine(_dir, "VOCdevkit", "VOC2012", "Annotations");
    }

    private static DatasetSpec Voc(string root) => new() { Name = "voc", Kind = "voc", Root = root };

    private static void Edit(string file, string from, string to)
    {
        string text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to));
    }

    [Fact]
    public void A_voc_box_outside_the_image_skips_the_item_with_its_reason()
    {
        string xml = Path.Combine(VocCopy(), "darknet_dog.xml");
        // darknet_dog.jpg is 768 px wide: a box from x 2000 to 2100 has nothing left after clipping.
        Edit(xml, "<xmin>133</xmin>", "<xmin>2000</xmin>");
        Edit(xml, "<xmax>311</xmax>", "<xmax>2100</xmax>");
        var ds = DatasetLoader.Open(Voc(_dir));
        var e = Assert.Throws<ItemLoadException>(() => ds.Load("darknet_dog", Preprocessing.ImageNet224));
        Assert.Equal("darknet_dog", e.ItemId);
        Assert.Contains("object #1 (dog)", e.Message);
        Assert.Contains("lies outside the 768x576 image", e.Message);
        ds.Load("darknet_eagle", Preprocessing.ImageNet224); // the other items still load
    }

    [Fact]
    public void A_voc_size_that_disagrees_with_the_image_skips_the_item()
    {
        Edit(Path.Combine(VocCopy(), "darknet_eagle.xml"), "<width>773</width>", "<width>1546</width>");
        var ds = DatasetLoader.Open(Voc(_dir));
        var e = Assert.Throws<ItemLoadException>(() => ds.Load("darknet_eagle", Preprocessing.ImageNet224));
        Assert.Contains("the annotation says the image is 1546x512", e.Message);
        Assert.Contains("is 773x512", e.Message);
    }

    [Fact]
    public void A_voc_annotation_with_a_dtd_is_refused_without_expanding_entities()
    {
        string xml = Path.Combine(VocCopy(), "darknet_dog.xml");
        string text = File.ReadAllText(xml);
        File.WriteAllText(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n" + text.Replace("<folder>VOC2012</folder>", "<folder>&b;</folder>"));
        var e = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(Voc(_dir)));
        Assert.Contains(xml, e.Message);
        Assert.Contains("DTD", e.Message);
    }

    [Fact]
    public void A_coco_box_outside_the_image_skips_the_item()
    {
        TempDir.CopyTree(SharedPaths.Require("datasets", "coco2014-mini"), _dir);
        string json = Path.Combine(_dir, "annotations", "instances_val2014.json");
        var doc = JsonNode.Parse(File.ReadAllText(json))!;
        var ann = doc["annotations"]![0]!;
        long imageId = ann["image_id"]!.GetValue<long>();
        ann["bbox"] = new JsonArray(5000, 5000, 10, 10);
        File.WriteAllText(json, doc.ToJsonString());
        var ds = DatasetLoader.Open(new DatasetSpec { Name = "coco", Kind = "coco", Root = _dir });
        string id = ds.ItemIds.Single(i => i.Contains(imageId.ToString(), StringComparison.Ordinal));
        var e = Assert.Throws<ItemLoadException>(() => ds.Load(id, Preprocessing.ImageNet224));
        Assert.Contains("lies outside the 640x425 image", e.Message);
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_skipped_before_decoding()
    {
        string png = Path.Combine(_dir, "big.png");
        using (var img = new Image<Rgb24>(300, 200)) img.SaveAsPng(png);
        var e = Assert.Throws<ItemLoadException>(() => ImagePreprocessor.Decode(png, "big", maxPixels: 50_000));
        Assert.Contains("300x200 = 60,000 pixels, over the limit of 50,000", e.Message);
        ImagePreprocessor.Decode(png, "big", maxPixels: 60_000).Dispose();
    }
}
