using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Map reuse and the map store for one group of items under one method: a map asked for (row, target)
/// is read from the store when it is there, else computed — the top-1 maps of the rows that need any
/// in one call, then the ground-truth targets that differ from the top-1 in a second — and returned for
/// the store. Stored raw maps become final maps through the shared post-processing
/// (<see cref="SaliencyPostProcessing.Apply"/>), exactly as the method makes them; final maps are
/// stored losslessly. So a metric reading a stored map gets the map the method gave.
/// </summary>
public sealed class MapSource(IResultSink sink, string modelKey, string datasetKey, StageState state, int seed)
{
    public int ConstantMaps { get; private set; }
    public int MapsComputed { get; private set; }
    public long ImagesBackward { get; private set; }

    /// <summary>Final maps (H×W) by (row, target) for the requested pairs; new maps are added to <paramref name="commit"/>.</summary>
    public Dictionary<(int Row, long Target), Tensor> Get(ISaliencyMethod method, string methodKey, string layer, IClassifier model, Tensor x,
        EvaluationUnits units, IReadOnlyList<(int Row, long Target)> wanted, BatchCommit commit)
    {
        var maps = new Dictionary<(int, long), Tensor>();
        if (wanted.Count == 0) return maps;
        var items = units.Items;
        var stored = wanted.Where(w => state.Maps.Contains((items[w.Row].Id, w.Target, methodKey))).ToList();
        if (stored.Count > 0)
        {
            var rowOf = items.Select((item, i) => (item.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);
            var want = stored.ToHashSet();
            var read = sink.ReadMaps(modelKey, datasetKey, methodKey, stored.Select(s => items[s.Row].Id).Distinct())
                .Where(m => want.Contains((rowOf[m.ItemId], m.Target))).ToList();
            foreach (var (m, map) in read.Zip(Decode(read, x.device)))
                maps[(rowOf[m.ItemId], m.Target)] = map;
        }
        var top1 = units.Top1;
        var missing = wanted.Where(w => !maps.ContainsKey(w)).ToList();
        // Top-1 maps first, for every row that needs one; then the remaining targets.
        var predRows = missing.Where(w => w.Target == top1[w.Row]).Select(w => w.Row).Distinct().Order().ToArray();
        Compute(method, methodKey, layer, model, x, items, predRows, predRows.Select(r => top1[r]).ToArray(), maps, commit);
        var rest = missing.Where(w => !maps.ContainsKey(w)).Distinct().ToArray();
        Compute(method, methodKey, layer, model, x, items, rest.Select(w => w.Row).ToArray(), rest.Select(w => w.Target).ToArray(), maps, commit);
        return maps;
    }

    private void Compute(ISaliencyMethod method, string methodKey, string layer, IClassifier model, Tensor x, IReadOnlyList<DatasetItem> items,
        int[] rows, long[] targets, Dictionary<(int, long), Tensor> maps, BatchCommit commit)
    {
        if (rows.Length == 0) return;
        var input = rows.Length == x.shape[0] && rows.SequenceEqual(Enumerable.Range(0, rows.Length))
            ? x : x.index_select(0, torch.tensor(rows.Select(r => (long)r).ToArray(), device: x.device));
        var r = method.Explain(new SaliencyRequest { Model = model, Input = input, Targets = targets, Layer = layer, Seed = seed });
        ConstantMaps += r.ConstantMaps;
        MapsComputed += rows.Length;
        ImagesBackward += (long)r.BackwardPasses * rows.Length;
        int h = (int)input.shape[2], w = (int)input.shape[3];
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
            var t = torch.tensor(flat, new long[] { members.Length, rows, cols });
            var maps = kind == StoredMapKind.Raw ? SaliencyPostProcessing.Apply(t, h, w) : t;
            maps = maps.to(device);
            for (int k = 0; k < members.Length; k++) result[members[k].i] = maps[k];
        }
        return result;
    }
}
