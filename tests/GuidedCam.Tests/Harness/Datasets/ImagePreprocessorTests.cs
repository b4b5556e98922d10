using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Tests.Harness.Datasets;

public class ImagePreprocessorTests
{
    private static readonly Preprocessing Raw = new() { Mean = new float[] { 0, 0, 0 }, Std = new float[] { 1, 1, 1 } };

    [Fact]
    public void Geometry_follows_torchvision_resize_and_centre_crop()
    {
        // 500×375 (a typical ILSVRC photo), Resize(256): short side 375 → 256, long side int(256·500/375) =
        // int(341.33) = 341. CenterCrop(224): left = round((341 − 224)/2) = round(58.5) = 58 (half to even),
        // top = round((256 − 224)/2) = 16.
        var g = ImagePreprocessor.ComputeGeometry(500, 375, Preprocessing.ImageNet224);
        Assert.Equal(new PreprocessGeometry(500, 375, 341, 256, 58, 16, 224, 224), g);
        // Portrait 373×500: long side int(256·500/373) = int(343.16) = 343; top = round(59.5) = 60 (half to even).
        Assert.Equal(new PreprocessGeometry(373, 500, 256, 343, 16, 60, 224, 224), ImagePreprocessor.ComputeGeometry(373, 500, Preprocessing.ImageNet224));
        // Resize to W×H ignores the aspect ratio; crop larger than the image pads: offset −(240 − 200)/2 = −20.
        var p = new Preprocessing { ResizeWidth = 200, ResizeHeight = 100, Crop = 240 };
        Assert.Equal(new PreprocessGeometry(640, 480, 200, 100, -20, -70, 240, 240), ImagePreprocessor.ComputeGeometry(640, 480, p));
    }

    [Fact]
    public void Normalisation_and_channel_order_match_hand_values()
    {
        // A uniform image of (R, G, B) = (255, 128, 0): each input value is (v/255 − mean)/std of its channel.
        using var image = new Image<Rgb24>(8, 6, new Rgb24(255, 128, 0));
        var p = new Preprocessing { Mean = new[] { 0.5f, 0.25f, 0.125f }, Std = new[] { 0.5f, 0.25f, 2f } };
        var (x, g) = ImagePreprocessor.Apply(image, p);
        Assert.True(g.IsIdentity);
        Assert.Equal(3 * 8 * 6, x.Length);
        Assert.Equal((1f - 0.5f) / 0.5f, x[0], 6);              // R plane: (255/255 − 0.5)/0.5 = 1
        Assert.Equal((128f / 255f - 0.25f) / 0.25f, x[48], 6);  // G plane: (0.50196 − 0.25)/0.25 = 1.00784
        Assert.Equal((0f - 0.125f) / 2f, x[96 + 47], 6);        // B plane, last pixel: −0.0625

        // BGR: plane 0 holds blue, with mean[0]/std[0] applied to it (the model's channel order).
        var (b, _) = ImagePreprocessor.Apply(image, p with { ChannelOrder = "bgr" });
        Assert.Equal((0f - 0.5f) / 0.5f, b[0], 6);
        Assert.Equal((1f - 0.125f) / 2f, b[96], 6);
    }

    [Fact]
    public void Centre_crop_takes_the_window_the_geometry_names()
    {
        // Pixel value encodes its column (R) and row (G), so the crop window can be read back exactly.
        using var image = new Image<Rgb24>(10, 7);
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 10; x++) image[x, y] = new Rgb24((byte)x, (byte)y, 0);
        var (input, g) = ImagePreprocessor.Apply(image, Raw with { Crop = 4 });
        // left = round((10 − 4)/2) = 3, top = round((7 − 4)/2) = round(1.5) = 2.
        Assert.Equal((3, 2), (g.CropX, g.CropY));
        Assert.Equal(3 / 255f, input[0], 6);          // R of input (0,0) = column 3
        Assert.Equal(2 / 255f, input[16], 6);         // G of input (0,0) = row 2
        Assert.Equal(6 / 255f, input[15], 6);         // R of input (3,3) = column 6
        Assert.Equal(5 / 255f, input[16 + 15], 6);    // G of input (3,3) = row 5
    }

    [Fact]
    public void Bilinear_resize_agrees_with_PIL_to_one_grey_level()
    {
        // Reference: Pillow 9.4.0 Image.resize(size, Image.BILINEAR) — what torchvision's Resize does on PIL
        // images — of the same 37×23 pattern, v = (37x + 91y + 53c + 7·((x·y) mod 17)) mod 256, a harsh
        // high-frequency image. PIL rounds to uint8 between its two passes and ImageSharp does not, so
        // single grey levels may differ (measured: max 1 on real photos, too); more would mean a different filter.
        using var image = new Image<Rgb24>(37, 23);
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++)
                image[x, y] = new Rgb24(Pattern(x, y, 0), Pattern(x, y, 1), Pattern(x, y, 2));

        var (down, _) = ImagePreprocessor.Apply(image, Raw with { ResizeWidth = 16, ResizeHeight = 10 });
        AssertCloseToPil(down, 16, 10, Enumerable.Range(0, 10).ToArray(), PilDown16x10);

        var (up, _) = ImagePreprocessor.Apply(image, Raw with { ResizeWidth = 50, ResizeHeight = 31 });
        AssertCloseToPil(up, 50, 31, new[] { 0, 15, 30 }, PilUp50x31Rows0_15_30);
    }

    [Theory]
    [InlineData("squeezenet1.1-dog", "darknet_dog.jpg", 256, 0, 0)]      // case.json: resize256-crop224
    [InlineData("resnet18-seed0-eagle", "darknet_eagle.jpg", 0, 224, 224)] // case.json: resize224 (to 224×224)
    public void Matches_the_reference_input_tensors_of_the_golden_cases(string goldenCase, string image, int shorter, int w, int h)
    {
        // input.npy was made by the reference pipeline (PIL decode + torchvision Resize/CenterCrop/ToTensor/
        // Normalize). Measured here: mean |Δ| 0.24 and 0.29 grey levels, max 8 and 9 — the max comes from
        // JPEG decoding (libjpeg's fancy chroma upsampling vs ImageSharp's), not from the resize (≤ 1 level,
        // test above). A wrong mean/std, channel order or crop offset moves the mean by tens of levels.
        var p = shorter > 0 ? Preprocessing.ImageNet224 : new Preprocessing { ResizeWidth = w, ResizeHeight = h };
        var (x, _) = ImagePreprocessor.Load(SharedPaths.Require("datasets", "voc2012-mini", "VOCdevkit", "VOC2012", "JPEGImages", image), image, p);
        var reference = Npy.ReadFloat32(SharedPaths.Require("golden", goldenCase, "input.npy"));
        Assert.Equal(new long[] { 1, 3, 224, 224 }, reference.Shape);
        double sum = 0, max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = Math.Abs(x[i] - reference.Data[i]) * p.Std[i / (224 * 224)] * 255; // back to grey levels
            sum += d;
            max = Math.Max(max, d);
        }
        Assert.True(sum / x.Length < 1.0, $"mean difference {sum / x.Length:F3} grey levels");
        Assert.True(max <= 16, $"max difference {max:F1} grey levels");
    }

    private static byte Pattern(int x, int y, int c) => (byte)((x * 37 + y * 91 + c * 53 + (x * y % 17) * 7) % 256);

    private static void AssertCloseToPil(float[] chw, int w, int h, int[] rows, int[] pilHwc)
    {
        int worst = 0, k = 0;
        foreach (int y in rows)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int ours = (int)MathF.Round(chw[c * w * h + y * w + x] * 255f);
                    worst = Math.Max(worst, Math.Abs(ours - pilHwc[k++]));
                }
        Assert.Equal(pilHwc.Length, k);
        Assert.True(worst <= 1, $"max difference to PIL bilinear is {worst} grey levels");
    }

    [Fact]
    public void Bad_files_throw_ItemLoadException_with_the_id()
    {
        using var temp = TempDir.Create();
        string dir = temp.Folder;
        string good = SharedPaths.Require("datasets", "imagenet-mini", "ILSVRC2012_img_val", "ILSVRC2012_val_00000001.JPEG");
        byte[] bytes = File.ReadAllBytes(good);
        string truncated = Path.Combine(dir, "t.JPEG"), empty = Path.Combine(dir, "e.JPEG"), text = Path.Combine(dir, "x.JPEG");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(empty, Array.Empty<byte>());
        File.WriteAllText(text, "this is not an image");

        // ImageSharp 2.1 itself decodes the half file without complaint (checked by hand), so this
        // exercises the end-of-image check.
        var e1 = Assert.Throws<ItemLoadException>(() => ImagePreprocessor.Load(truncated, "item-t", Preprocessing.ImageNet224));
        Assert.Equal("item-t", e1.ItemId);
        Assert.Contains("truncated", e1.Message);
        Assert.Equal("item-e", Assert.Throws<ItemLoadException>(() => ImagePreprocessor.Load(empty, "item-e", Preprocessing.ImageNet224)).ItemId);
        Assert.Equal("item-x", Assert.Throws<ItemLoadException>(() => ImagePreprocessor.Load(text, "item-x", Preprocessing.ImageNet224)).ItemId);
        // The intact file loads: 496×368 → Resize(256) → 345×256 (int(256·496/368) = 345) → crop 224 at (60, 16).
        var (_, g) = ImagePreprocessor.Load(good, "ok", Preprocessing.ImageNet224);
        Assert.Equal(new PreprocessGeometry(496, 368, 345, 256, 60, 16, 224, 224), g);
    }

    [Fact]
    public void Invalid_preprocessing_is_rejected_with_the_key()
    {
        using var image = new Image<Rgb24>(4, 4);
        Assert.Contains("channel-order", Assert.Throws<ArgumentException>(() => ImagePreprocessor.Apply(image, Raw with { ChannelOrder = "rbg" })).Message);
        Assert.Contains("std", Assert.Throws<ArgumentException>(() => ImagePreprocessor.Apply(image, Raw with { Std = new float[] { 1, 0, 1 } })).Message);
        Assert.Contains("W×H", Assert.Throws<ArgumentException>(() => ImagePreprocessor.ComputeGeometry(4, 4, new Preprocessing { ResizeWidth = 3 })).Message);
    }

    private static readonly int[] PilDown16x10 =
    {
        102, 132, 142, 123, 128, 146, 127, 135, 131, 108, 122, 136, 96, 121, 139, 144, 155, 90, 114, 107, 106, 127,
        104, 134, 143, 140, 121, 119, 122, 129, 107, 128, 139, 141, 166, 127, 124, 106, 110, 94, 134, 158, 153, 158,
        126, 105, 116, 117, 120, 133, 131, 138, 141, 134, 137, 117, 133, 128, 129, 129, 114, 111, 113, 120, 111,
        128, 112, 125, 153, 131, 141, 142, 148, 137, 134, 147, 142, 114, 137, 147, 128, 117, 136, 148, 141, 142,
        149, 134, 158, 138, 152, 120, 128, 131, 109, 115, 116, 147, 126, 130, 150, 103, 103, 126, 134, 132, 124,
        114, 131, 135, 121, 131, 139, 133, 127, 119, 124, 127, 126, 123, 119, 96, 122, 136, 119, 111, 117, 122, 159,
        134, 104, 146, 144, 140, 120, 113, 137, 131, 133, 120, 120, 140, 132, 103, 128, 111, 138, 125, 116, 138,
        118, 118, 136, 144, 131, 140, 143, 130, 116, 146, 138, 125, 122, 131, 115, 129, 135, 106, 121, 115, 112,
        125, 133, 124, 128, 123, 146, 135, 133, 137, 135, 138, 126, 129, 120, 127, 122, 126, 147, 104, 157, 140,
        159, 119, 137, 158, 130, 129, 130, 163, 92, 114, 130, 119, 139, 147, 144, 113, 136, 141, 130, 131, 114, 92,
        124, 120, 135, 93, 130, 110, 143, 112, 123, 130, 104, 117, 112, 136, 142, 123, 111, 124, 118, 148, 130, 115,
        161, 141, 101, 144, 131, 152, 114, 129, 180, 103, 119, 165, 107, 142, 146, 88, 133, 179, 137, 108, 113, 147,
        144, 137, 99, 112, 147, 121, 111, 123, 111, 117, 169, 86, 105, 145, 102, 102, 110, 113, 144, 129, 92, 117,
        151, 142, 117, 107, 148, 106, 137, 109, 153, 118, 143, 116, 143, 120, 129, 162, 112, 116, 123, 171, 91, 141,
        173, 102, 135, 159, 120, 127, 130, 121, 151, 129, 117, 126, 130, 108, 142, 101, 166, 87, 104, 190, 119, 102,
        158, 106, 94, 154, 133, 106, 130, 113, 131, 129, 94, 140, 99, 133, 147, 128, 152, 142, 154, 145, 89, 112,
        107, 125, 99, 139, 161, 153, 164, 120, 135, 85, 106, 115, 134, 126, 158, 131, 102, 103, 116, 133, 123, 135,
        157, 167, 140, 107, 125, 104, 110, 101, 127, 159, 142, 126, 115, 104, 114, 132, 139, 144, 139, 125, 143,
        146, 117, 134, 130, 109, 133, 129, 109, 114, 139, 142, 129, 115, 121, 100, 139, 121, 107, 153, 110, 114,
        113, 114, 131, 135, 138, 135, 105, 140, 139, 145, 141, 133, 117, 114, 130, 160, 140, 132, 100, 120, 119,
        122, 130, 126, 132, 130, 157, 137, 102, 145, 149, 110, 113, 121, 123, 120, 122, 127, 112, 153, 133, 107,
        123, 130, 101, 154, 125, 108, 132, 165, 130, 110, 135, 144, 141, 127, 123, 141, 131, 135, 129, 110, 109,
        143, 127, 139, 96, 114, 127, 114
    };

    private static readonly int[] PilUp50x31Rows0_15_30 =
    {
        0, 53, 106, 23, 76, 129, 50, 103, 156, 77, 130, 183, 105, 158, 211, 132, 185, 238, 159, 212, 186, 187, 227,
        37, 214, 65, 64, 106, 39, 92, 13, 66, 119, 40, 93, 146, 68, 121, 174, 95, 148, 201, 123, 176, 170, 150, 203,
        8, 177, 230, 27, 205, 142, 55, 183, 29, 82, 21, 56, 109, 31, 84, 137, 58, 111, 164, 86, 139, 192, 113, 166,
        219, 140, 193, 85, 168, 221, 18, 195, 220, 45, 222, 58, 72, 99, 47, 100, 21, 74, 127, 49, 102, 155, 76, 129,
        182, 103, 156, 209, 131, 184, 162, 158, 211, 8, 185, 238, 35, 213, 135, 63, 176, 37, 90, 14, 65, 118, 39,
        92, 145, 66, 119, 172, 94, 147, 200, 121, 174, 227, 149, 202, 78, 176, 229, 26, 203, 213, 53, 231, 51, 81,
        92, 55, 108, 29, 82, 135, 52, 105, 158, 233, 30, 83, 146, 100, 153, 89, 142, 195, 96, 149, 179, 181, 234,
        74, 197, 250, 47, 193, 246, 43, 183, 236, 46, 78, 131, 130, 45, 98, 151, 42, 95, 148, 39, 92, 143, 124, 177,
        38, 150, 203, 125, 146, 199, 252, 142, 195, 248, 41, 94, 147, 113, 51, 104, 250, 47, 100, 246, 43, 96, 151,
        119, 172, 102, 155, 208, 98, 151, 204, 95, 148, 201, 166, 58, 111, 206, 3, 56, 187, 13, 66, 82, 97, 150, 58,
        111, 164, 54, 107, 160, 59, 112, 147, 143, 196, 42, 162, 215, 12, 159, 212, 9, 151, 204, 8, 46, 99, 93, 10,
        63, 116, 7, 60, 113, 3, 56, 109, 86, 139, 192, 115, 168, 221, 111, 164, 217, 107, 160, 213, 186, 62, 115,
        219, 16, 69, 215, 12, 65, 211, 8, 61, 119, 82, 135, 67, 120, 173, 64, 117, 170, 210, 7, 60, 98, 51, 104, 51,
        104, 157, 104, 157, 187, 158, 211, 51, 143, 196, 139, 145, 198, 172, 186, 239, 49, 50, 103, 102, 122, 39,
        92, 170, 36, 89, 37, 90, 143, 90, 143, 196, 143, 196, 124, 169, 222, 78, 134, 187, 233, 184, 55, 108, 122,
        34, 87, 61, 65, 118, 215, 30, 83, 107, 75, 128, 76, 129, 182, 111, 164, 217, 76, 129, 182, 116, 169, 222,
        170, 128, 181, 195, 20, 73, 59, 73, 126, 154, 56, 109, 179, 61, 114, 61, 114, 167, 114, 167, 220, 102, 155,
        208, 102, 155, 134, 155, 200, 5, 208, 64, 58, 131, 59, 112, 93, 82, 135, 248, 47, 100, 116, 100, 153, 100,
        153, 206, 128, 181, 234, 93, 146, 199, 141, 194, 70, 194, 137, 44, 227, 68, 77, 192, 222, 42, 68, 121, 85,
        32, 85, 138, 76, 129, 182
    };
}
