using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class LabelMapTests
{
    private static string Tables => Path.Combine(SharedPaths.RepoRoot, "datasets", "labelmaps");

    [Fact]
    public void Voc_map_covers_the_dog_breeds_and_not_the_dogsled()
    {
        var map = LabelSpaces.Resolve("voc20", VocDataset.VocClassNames, "imagenet1k", Tables);
        Assert.Equal(20, map.SourceClasses.Count);
        Assert.Equal(0, map.UnmappedCount);
        // The ImageNet dog breeds are exactly the sorted-wnid indices 151 (Chihuahua) … 268 (Mexican hairless),
        // 118 classes (LOC_synset_mapping.txt lines 152–269); 250 = n02110185 Siberian husky, 537 = n03218198 dogsled.
        var dog = map.Targets(11);
        Assert.Equal(Enumerable.Range(151, 118), dog);
        Assert.Contains(250, dog);
        Assert.DoesNotContain(537, dog);
        // person: ballplayer (981), groom (982), scuba diver (983) are ImageNet's only people classes;
        // cat: the five domestic cats tabby … Egyptian cat (281–285); cow: ox (345) only.
        Assert.Equal(new[] { 981, 982, 983 }, map.Targets(14));
        Assert.Equal(Enumerable.Range(281, 5), map.Targets(7));
        Assert.Equal(new[] { 345 }, map.Targets(9));
        // ImageNet's 'kite' (21) is a bird of prey and belongs to VOC bird, as do cock (7) and hen (8).
        Assert.Contains(21, map.Targets(2));
    }

    [Fact]
    public void Coco_map_matches_the_coco_categories_and_counts_unmapped_classes()
    {
        var coco = (CocoDataset)DatasetLoader.Open(new DatasetSpec { Name = "c", Kind = "coco", Root = SharedPaths.Require("datasets", "coco2014-mini") });
        var map = LabelSpaces.Resolve("coco80", coco.ClassNames, "imagenet1k", Tables); // also checks names in order
        // 17 COCO classes have no ImageNet counterpart (datasets/labelmaps/README.md lists them).
        Assert.Equal((63, 17), (map.MappedCount, map.UnmappedCount));
        int kite = coco.ClassNames.ToList().IndexOf("kite"), giraffe = coco.ClassNames.ToList().IndexOf("giraffe");
        Assert.Contains(kite, map.UnmappedClasses);      // the toy; ImageNet's kite is the bird
        Assert.Contains(giraffe, map.UnmappedClasses);
        Assert.Equal(Enumerable.Range(151, 118), map.Targets(coco.ClassNames.ToList().IndexOf("dog")));
    }

    [Fact]
    public void Target_is_the_highest_scoring_model_class_in_the_set()
    {
        var map = LabelSpaces.Resolve("voc20", VocDataset.VocClassNames, "imagenet1k", Tables);
        var logits = new float[1000];
        logits[537] = 9f;   // dogsled scores highest overall but is not a dog
        logits[250] = 5f;   // Siberian husky
        logits[248] = 4f;   // Eskimo dog
        logits[100] = -1f;
        Assert.Equal(250, map.Target(11, logits));
        Assert.True(map.Contains(11, 248));
        Assert.False(map.Contains(11, 537));
        // All-equal scores: the lowest index of the set wins (151, Chihuahua).
        Assert.Equal(151, map.Target(11, new float[1000]));

        var coco = LabelMap.Load(Path.Combine(Tables, "coco80-imagenet1k.tsv"));
        Assert.Null(coco.Target(coco.SourceClasses.ToList().IndexOf("toothbrush"), logits));
    }

    [Fact]
    public void Same_space_is_identity_and_unknown_pairs_fail_clearly()
    {
        var id = LabelSpaces.Resolve("voc20", VocDataset.VocClassNames, "VOC20", Tables);
        Assert.True(id.IsIdentity);
        Assert.Equal(new[] { 11 }, id.Targets(11));
        var e = Assert.Throws<FileNotFoundException>(() => LabelSpaces.Resolve("voc20", VocDataset.VocClassNames, "coco80", Tables));
        Assert.Contains("voc20-coco80.tsv", e.Message);
        // The tables are copied next to the program, so the default location works too.
        Assert.Equal(20, LabelSpaces.Resolve("voc20", VocDataset.VocClassNames, "imagenet1k").MappedCount);
    }

    [Fact]
    public void Malformed_tables_name_the_line()
    {
        using var temp = TempDir.Create();
        string dir = temp.Folder;
        string path = Path.Combine(dir, "x.tsv");
        File.WriteAllText(path, "# source=a target=b\nindex\tclass\tsynsets\ttarget\n0\tdog\tn1\t1,2\n2\tcat\tn2\t3\n");
        Assert.Contains(":4:", Assert.Throws<FormatException>(() => LabelMap.Load(path)).Message);
        File.WriteAllText(path, "index\tclass\tsynsets\ttarget\n0\tdog\tn1\t1,x\n");
        Assert.Contains("'x'", Assert.Throws<FormatException>(() => LabelMap.Load(path)).Message);
    }
}
