using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// The parts of a COCO instances file (cocodataset.org/#format-data) the loader reads. Members marked
/// required must be present; System.Text.Json then reports a missing or mistyped field with its JSON path.
/// </summary>
internal sealed class CocoJson
{
    public required List<CocoImage> Images { get; init; }
    public required List<CocoAnnotation> Annotations { get; init; }
    public required List<CocoCategory> Categories { get; init; }

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new CocoSegmentationConverter() },
    };
}

internal sealed class CocoImage
{
    public required long Id { get; init; }
    public required string FileName { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
}

internal sealed class CocoAnnotation
{
    public required long Id { get; init; }
    public required long ImageId { get; init; }
    public required int CategoryId { get; init; }
    public required double[] Bbox { get; init; }
    public int Iscrowd { get; init; }
    public CocoSegmentation? Segmentation { get; init; }
}

internal sealed class CocoCategory
{
    public required int Id { get; init; }
    public required string Name { get; init; }
}

/// <summary>A segmentation: a list of polygons, or an RLE with uncompressed (int list) or compressed (string) counts.</summary>
internal sealed class CocoSegmentation
{
    public List<double[]>? Polygons { get; init; }
    public long[]? Counts { get; init; }
    public string? CompressedCounts { get; init; }
    /// <summary>RLE size as [height, width].</summary>
    public int[]? Size { get; init; }

    public bool IsEmpty => Polygons is { Count: 0 } && Counts is null && CompressedCounts is null;
}

internal sealed class CocoSegmentationConverter : JsonConverter<CocoSegmentation>
{
    public override CocoSegmentation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var polygons = JsonSerializer.Deserialize<List<double[]>>(ref reader)
                           ?? throw new JsonException("segmentation polygon list is null");
            return new CocoSegmentation { Polygons = polygons };
        }
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"segmentation must be a list of polygons or an RLE object {{counts, size}}, got {reader.TokenType}");
        long[]? counts = null;
        string? compressed = null;
        int[]? size = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "counts" when reader.TokenType == JsonTokenType.String: compressed = reader.GetString(); break;
                case "counts" when reader.TokenType == JsonTokenType.StartArray: counts = JsonSerializer.Deserialize<long[]>(ref reader); break;
                case "counts": throw new JsonException($"RLE counts must be a string or a list of integers, got {reader.TokenType}");
                case "size": size = JsonSerializer.Deserialize<int[]>(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        if (counts is null && compressed is null) throw new JsonException("RLE segmentation has no counts");
        if (size is not { Length: 2 }) throw new JsonException("RLE segmentation needs size [height, width]");
        return new CocoSegmentation { Counts = counts, CompressedCounts = compressed, Size = size };
    }

    public override void Write(Utf8JsonWriter writer, CocoSegmentation value, JsonSerializerOptions options)
    {
        if (value.Polygons is not null) { JsonSerializer.Serialize(writer, value.Polygons); return; }
        writer.WriteStartObject();
        writer.WritePropertyName("counts");
        if (value.CompressedCounts is not null) writer.WriteStringValue(value.CompressedCounts);
        else JsonSerializer.Serialize(writer, value.Counts);
        writer.WritePropertyName("size");
        JsonSerializer.Serialize(writer, value.Size);
        writer.WriteEndObject();
    }
}
