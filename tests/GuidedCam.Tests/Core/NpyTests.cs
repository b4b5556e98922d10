using System.Text;
using GuidedCam.Core;

namespace GuidedCam.Tests.Core;

/// <summary>A .npy header is untrusted: every lie is one InvalidDataException naming the file, before any big allocation.</summary>
public sealed class NpyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "guidedcam-npy-" + Guid.NewGuid().ToString("N")[..12]);

    public NpyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A version-1.0 .npy file with the given header dictionary and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private string Write(string dict, int dataBytes)
    {
        string header = dict.PadRight(64 - 11) + "\n";
        var b = new List<byte> { 0x93 };
        b.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        b.AddRange(new byte[] { 1, 0 });
        b.AddRange(BitConverter.GetBytes((ushort)header.Length));
        b.AddRange(Encoding.ASCII.GetBytes(header));
        b.AddRange(new byte[dataBytes]);
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + ".npy");
        File.WriteAllBytes(path, b.ToArray());
        return path;
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", "not a non-negative whole number")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000), }", "needs more data")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "not a non-negative whole number")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }", "needs more data")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", "dtype '<i8' is not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", "rank 9")]
    public void Lying_headers_are_one_clear_error(string dict, string expected)
    {
        string path = Write(dict, dataBytes: 16); // 16 bytes hold 4 float32 values
        var e = Assert.Throws<InvalidDataException>(() => Npy.ReadFloat32(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_refused()
    {
        string path = Path.Combine(_dir, "short.npy");
        File.WriteAllBytes(path, new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0xFF, 0xFF, (byte)'{' });
        Assert.Contains("does not fit the file", Assert.Throws<InvalidDataException>(() => Npy.ReadFloat32(path)).Message);
    }

    [Fact]
    public void An_honest_file_still_reads_and_non_finite_values_are_found()
    {
        string path = Path.Combine(_dir, "ok.npy");
        Npy.WriteFloat32(path, new[] { 1f, 2f, float.NaN, 4f }, 2, 2);
        var a = Npy.ReadFloat32(path);
        Assert.Equal(new long[] { 2, 2 }, a.Shape);
        Assert.Equal("value 2 is NaN", Npy.FirstNonFinite(a.Data));
        Assert.Null(Npy.FirstNonFinite(new[] { 1f, -3f }));
    }
}
