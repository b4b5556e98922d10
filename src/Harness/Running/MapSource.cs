using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Map reuse and the map store for one group of items: a map asked for (method, row, target) is read
/// from the store when it is there, else computed — the top-1 maps of the rows that need any in one
/// shared capture for all methods missing the same rows, then the ground-truth targets that differ from
/// the top-1 likewise — and returned for the store. Stored raw maps become final maps through the shared post-processing
/// (<see cref="SaliencyPostProcessing.Apply"/>), exactly as the method makes them; final maps are
/// stored losslessly. So a metric reading a stored map gets the map the method gave.
/// </summary>
public sealed class MapSource(IResultSink sink, string modelKey, string datasetKey, StageState state, int seed)
{
    public int ConstantMaps { get; private set; }
    public int MapsComputed { get; private set; }

    /// <summary>
    /// Final maps (H×W) by (row, target) for the requested pairs of every method (<paramref name="wanted"/>[m]
    /// for method m); new maps are added to <paramref name="commit"/>, method by method. Maps not in the
    /// store are computed through <see cref="MethodGroup"/>: the methods that miss the same rows for the
    /// top-1 (in a fresh run, all of them) share one capture at the target layer, one forward and one
    /// backward for all gradient methods; then likewise for the remaining (ground-truth) targets.
    /// </summary>
    public Dictionary<(int Row, long Target), Tensor>[] GetAll(IReadOnlyList<ISaliencyMethod> methods, IReadOnlyList<string> methodKeys, string layer,
        IClassifier model, Tensor x, EvaluationUnits units, IReadOnlyList<IReadOnlyList<(int Row, long Target)>> wanted, BatchCommit commit)
    {
        var items = units.Items;
        var top1 = units.Top1;
        var maps = new Dictionary<(int, long), Tensor>[methods.Count];
        var pred = new (int[] Rows, long[] Targets)[methods.Count];
        var rest = new (int[] Rows, long[] Targets)[methods.Count];
        for (int m = 0; m < methods.Count; m++)
        {
            maps[m] = ReadStored(methodKeys[m], x, items, wanted[m]);
            var missing = wanted[m].Where(w => !maps[m].ContainsKey(w)).ToList();
            var predRows = missing.Where(w => w.Target == top1[w.Row]).Select(w => w.Row).Distinct().Order().ToArray();
            pred[m] = (predRows, predRows.Select(r => top1[r]).ToArray());
            var others = missing.Where(w => w.Target != top1[w.Row]).Distinct().ToArray();
            rest[m] = (others.Select(w => w.Row).ToArray(), others.Select(w => w.Target).ToArray());
        }
        var predResults = ComputeShared(methods, layer, model, x, pred);
        var restResults = ComputeShared(methods, layer, model, x, rest);
        // Stored in method order, top-1 maps before the others, as each method's maps come.
        for (int m = 0; m < methods.Count; m++)
        {
            Add(methodKeys[m], x, items, pred[m].Rows, pred[m].Targets, predResults[m], maps[m], commit);
            Add(methodKeys[m], x, items, rest[m].Rows, rest[m].Targets, restResults[m], maps[m], commit);
        }
        return maps;
    }

    private Dictionary<(int, long), Tensor> ReadStored(string methodKey, Tensor x, IReadOnlyList<DatasetItem> items, IReadOnlyList<(int Row, long Target)> wanted)
    {
        var maps = new Dictionary<(int, long), Tensor>();
        var stored = wanted.Where(w => state.Maps.Contains((items[w.Row].Id, w.Target, methodKey))).ToList();
        if (stored.Count == 0) return maps;
        var rowOf = items.Select((item, i) => (item.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
        var want = stored.ToHashSet();
        var read = sink.ReadMaps(modelKey, datasetKey, methodKey, stored.Select(s => items[s.Row].Id).Distinct())
            .Where(m => want.Contains((rowOf[m.ItemId], m.Target))).ToList();
        foreach (var (m, map) in read.Zip(Decode(read, x.device)))
            maps[(rowOf[m.ItemId], m.Target)] = map;
        return maps;
    }

    /// <summary>One <see cref="MethodGroup.ExplainAll"/> per distinct (rows, targets) request; result m is method m's (null when it needs none).</summary>
    private SaliencyResult?[] ComputeShared(IReadOnlyList<ISaliencyMethod> methods, string layer, IClassifier model, Tensor x, (int[] Rows, long[] Targets)[] requests)
    {
        var results = new SaliencyResult?[methods.Count];
        var groups = Enumerable.Range(0, methods.Count).Where(m => requests[m].Rows.Length > 0)
            .GroupBy(m => string.Join(";", requests[m].Rows.Zip(requests[m].Targets, (r, t) => $"{r}:{t}")));
        foreach (var group in groups)
        {
            var members = group.ToArray();
            var (rows, targets) = requests[members[0]];
            var input = rows.Length == x.shape[0] && rows.SequenceEqual(Enumerable.Range(0, rows.Length))
                ? x : x.index_select(0, torch.tensor(rows.Select(r => (long)r).ToArray(), device: x.device));
            var request = new SaliencyRequest { Model = model, Input = input, Targets = targets, Layer = layer, Seed = seed };
            var r = MethodGroup.ExplainEach(members.Select(m => methods[m]).ToArray(), request);
            for (int k = 0; k < members.Length; k++) results[members[k]] = r.Results[k];
        }
        return results;
    }

    private void Add(string methodKey, Tensor x, IReadOnlyList<DatasetItem> items, int[] rows, long[] targets, SaliencyResult? r,
        Dictionary<(int, long), Tensor> maps, BatchCommit commit)
    {
        if (r is null) return;
        ConstantMaps += r.ConstantMaps;
        MapsComputed += rows.Length;
        int h = (int)x.shape[2], w = (int)x.shape[3];
        var low = r.LowRes?.detach().cpu().to(ScalarType.Float32).contiguous();
        var final = r.Maps.detach().cpu().to(ScalarType.Float32).contiguous();
        for (int k = 0; k < rows.Length; k++)
        {
            string id = items[rows[k]].Id;
            commit.Maps.Add(low is not null
                ? StoredMap.FromRaw(id, targets[k], methodKey, low[k].data<float>().ToArray(), (int)low.shape[1], (int)low.shape[2], h, w)
                : StoredMap.FromFinal(id, targets[k], methodKey, final[k].data<float>().ToArray(), h, w));
            maps[(rows[k], targets[k])] = r.Maps[k];
        }
    }

    /// <summary>Final maps of stored maps, in order: raw maps of one shape go through the post-processing together.</summary>
    public static IReadOnlyList<Tensor> Decode(IReadOnlyList<StoredMap> stored, Device device)
    {
        var result = new Tensor[stored.Count];
        foreach (var group in stored.Select((m, i) => (m, i)).GroupBy(t => (t.m.Kind, t.m.Rows, t.m.Cols, t.m.InputHeight, t.m.InputWidth)))
        {
            var members = group.ToArray();
            var (kind, rows, cols, h, w) = group.Key;
            var flat = members.SelectMany(t => t.m.Values()).ToArray();
            var t = torch.tensor(flat, new long[] { members.Length, rows, cols }, device: device);
            var maps = kind == StoredMapKind.Raw ? SaliencyPostProcessing.Apply(t, h, w) : t;
            for (int k = 0; k < members.Length; k++) result[members[k].i] = maps[k];
        }
        return result;
    }
}
