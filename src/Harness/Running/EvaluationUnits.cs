using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// The evaluation units of a group of items (docs/spec/metrics.md "Which class"): one predicted unit per image
/// (the top-1 on the clean image) and one ground-truth unit per (image, class present), the class mapped
/// into the model's label space. Units come from the store; items without stored units get one clean
/// forward, whose top-1, logits and ground-truth targets are returned for the store. The clean logits
/// every metric reads are the stored float32 values, so a cell computed later sees the same numbers.
/// </summary>
public sealed class EvaluationUnits
{
    private EvaluationUnits(IReadOnlyList<DatasetItem> items, IReadOnlyList<ItemUnits> units, Tensor cleanLogits, IReadOnlyList<ItemUnits> fresh)
    {
        Items = items;
        Units = units;
        CleanLogits = cleanLogits;
        Fresh = fresh;
        Predicted = items.Select((item, i) => new EvaluationUnit(item, units[i].Top1, null, units[i].Top1)).ToArray();
        var gt = new List<EvaluationUnit>();
        var gtRows = new List<int>();
        for (int i = 0; i < items.Count; i++)
            foreach (var u in units[i].GroundTruth)
            {
                gt.Add(new EvaluationUnit(items[i], u.Target, u.DatasetClass, units[i].Top1));
                gtRows.Add(i);
            }
        GroundTruth = gt;
        GroundTruthRows = gtRows;
    }

    public IReadOnlyList<DatasetItem> Items { get; }
    public IReadOnlyList<ItemUnits> Units { get; }
    /// <summary>N×C clean logits, row i for item i.</summary>
    public Tensor CleanLogits { get; }
    /// <summary>Units computed by this group's clean forward (to commit).</summary>
    public IReadOnlyList<ItemUnits> Fresh { get; }
    public IReadOnlyList<EvaluationUnit> Predicted { get; }
    public IReadOnlyList<EvaluationUnit> GroundTruth { get; }
    /// <summary>Row of each ground-truth unit in the group.</summary>
    public IReadOnlyList<int> GroundTruthRows { get; }

    public long[] Top1 => Units.Select(u => u.Top1).ToArray();

    public static EvaluationUnits Build(IReadOnlyList<DatasetItem> items, Tensor x, StageState state, IClassifier model, LabelMapping labels)
    {
        var units = new ItemUnits?[items.Count];
        for (int i = 0; i < items.Count; i++) units[i] = state.Units.GetValueOrDefault(items[i].Id);
        var missing = Enumerable.Range(0, items.Count).Where(i => units[i] is null).ToArray();
        var fresh = new List<ItemUnits>();
        if (missing.Length > 0)
        {
            using var scope = torch.NewDisposeScope();
            var input = missing.Length == items.Count ? x : x.index_select(0, torch.tensor(missing.Select(i => (long)i).ToArray(), device: x.device));
            Tensor logits;
            using (torch.no_grad()) logits = model.Forward(input).cpu().to(ScalarType.Float32).contiguous();
            var top1 = ClassifierExtensions.Top1(logits);
            for (int k = 0; k < missing.Length; k++)
            {
                int i = missing[k];
                var row = logits[k];
                var gt = new List<GroundTruthUnit>();
                foreach (int c in items[i].Labels)
                    if (labels.Target(c, row) is long target) gt.Add(new GroundTruthUnit(c, target));
                var u = new ItemUnits(items[i].Id, top1[k], row.data<float>().ToArray(), gt);
                units[i] = u;
                fresh.Add(u);
            }
        }
        var all = units.Select(u => u!).ToArray();
        int classes = all[0].Logits.Length;
        var flat = new float[all.Length * classes];
        for (int i = 0; i < all.Length; i++) Array.Copy(all[i].Logits, 0, flat, (long)i * classes, classes);
        var clean = torch.tensor(flat, new long[] { all.Length, classes }, device: x.device);
        return new EvaluationUnits(items, all, clean, fresh);
    }
}
