using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>Runs the deletion or insertion game on a batch and turns curves into metric values (AUC + curve).</summary>
internal static class CausalGame
{
    public static IReadOnlyList<MetricValue> Play(MetricBatch batch, Tensor start, Tensor finish, int? step, int batchSize)
    {
        int width = (int)batch.Inputs.shape[3];
        int stepPixels = step ?? width;
        bool[] constant = ConstantMaps.Of(batch.Maps);
        var maps = batch.Maps.detach().to(CPU).to_type(ScalarType.Float32).contiguous();
        var ranks = new int[batch.Units.Count][];
        for (int i = 0; i < ranks.Length; i++)
        {
            using var row = maps[i];
            ranks[i] = CausalCurve.Ranks(row.reshape(-1).data<float>().ToArray());
        }
        var curves = CausalCurve.Run(batch.Model, start, finish, ranks, batch.Targets, stepPixels, batchSize);
        var values = new MetricValue[ranks.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = new MetricValue(batch.Units[i].Item.Id, batch.Units[i].ModelTarget, batch.Units[i].DatasetClass, CausalCurve.Auc(curves[i]))
            {
                Flagged = constant[i],
                Curve = curves[i],
            };
        return values;
    }
}
