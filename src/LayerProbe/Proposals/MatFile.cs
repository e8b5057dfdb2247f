using System.Text;

namespace LayerProbe.Proposals;

/// <summary>MATLAB array classes (mxCLASS codes) this reader distinguishes.</summary>
public enum MatClass
{
    /// <summary>Cell array.</summary>
    Cell = 1,
    /// <summary>Struct (not read).</summary>
    Struct = 2,
    /// <summary>Object (not read).</summary>
    Object = 3,
    /// <summary>Character array.</summary>
    Char = 4,
    /// <summary>Sparse (not read).</summary>
    Sparse = 5,
    /// <summary>Numeric classes double … uint64 (6–15) are all read as <see cref="MatArray.Numbers"/>.</summary>
    Double = 6,
}

/// <summary>
/// One MATLAB array: its class code, dimensions and, column-major, its numbers (numeric classes, converted to double),
/// characters (char) or cells. Other classes keep only class and dimensions.
/// </summary>
public sealed record MatArray(int ClassCode, int[] Dims, double[]? Numbers = null, string? Chars = null, MatArray[]? Cells = null)
{
    /// <summary>Number of elements (product of the dimensions).</summary>
    public long Count => Dims.Aggregate(1L, (a, d) => a * d);
    /// <summary>True for the numeric classes double … uint64.</summary>
    public bool IsNumeric => ClassCode is >= 6 and <= 15;
    /// <summary>Dimensions as "R×C…".</summary>
    public string Shape => string.Join("×", Dims);
}

/// <summary>
/// Reads the variables of a MATLAB level-5 ("v5"/"v7") MAT file: the 128-byte header (text, version 0x0100, byte-order
/// mark), then top-level elements, each an miMATRIX or an miCOMPRESSED (zlib) wrapping one. Each miMATRIX holds array
/// flags (class, complex bit), dimensions, a name and the data: numeric real parts of any numeric storage type, char
/// data (UTF-8/16/32 or 8/16-bit), or one miMATRIX per cell. Complex, sparse, struct and object arrays are not read
/// into values. MAT v7.3 files (HDF5) are refused. Any malformed or truncated file is one
/// <see cref="LayerProbeException"/> "<c>FILE: corrupt MAT file (...)</c>".
/// </summary>
public static class MatFile
{
    const int HeaderSize = 128;

    /// <summary>All readable top-level variables of <paramref name="path"/> by name.</summary>
    public static IReadOnlyDictionary<string, MatArray> Read(string path)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "MAT file not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(path, $"cannot read ({e.Message})", e); }
        try { return Parse(bytes, path); }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        { throw LayerProbeException.For(path, $"corrupt MAT file ({e.Message})", e); }
    }

    static Dictionary<string, MatArray> Parse(byte[] bytes, string path)
    {
        if (bytes.Length < HeaderSize) throw new InvalidDataException($"{bytes.Length} bytes, shorter than the 128-byte header");
        string text = Encoding.ASCII.GetString(bytes, 0, 116);
        if (text.StartsWith("MATLAB 7.3", StringComparison.Ordinal))
            throw LayerProbeException.For(path, "MAT v7.3 (HDF5) files are not supported; save with -v7 (or scipy.io.savemat)");
        if (!text.StartsWith("MATLAB", StringComparison.Ordinal)) throw new InvalidDataException("no 'MATLAB' header text");
        bool bigEndian = (bytes[126], bytes[127]) switch
        {
            ((byte)'I', (byte)'M') => false,
            ((byte)'M', (byte)'I') => true,
            _ => throw new InvalidDataException("bad byte-order mark"),
        };
        var elements = new MatElements(bigEndian);
        int version = bigEndian ? bytes[124] << 8 | bytes[125] : bytes[125] << 8 | bytes[124];
        if (version != 0x0100) throw new InvalidDataException($"version 0x{version:x4}, expected 0x0100");

        var variables = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        ReadOnlyMemory<byte> file = bytes;
        int position = HeaderSize;
        while (position < bytes.Length)
        {
            var (type, data) = elements.Next(file, ref position);
            if (type == MatElements.Compressed)
            {
                ReadOnlyMemory<byte> inner = MatElements.Inflate(data);
                int at = 0;
                (type, data) = elements.Next(inner, ref at);
            }
            if (type != MatElements.Matrix) continue; // other top-level elements carry no variables
            var (name, array) = Matrix(elements, data);
            variables[name] = array;
        }
        return variables;
    }

    /// <summary>Parses the body of an miMATRIX element.</summary>
    static (string Name, MatArray Array) Matrix(MatElements elements, ReadOnlyMemory<byte> body)
    {
        if (body.Length == 0) return ("", new MatArray((int)MatClass.Double, [0, 0], Numbers: [])); // an empty cell entry
        int position = 0;
        var (flagsType, flags) = elements.Next(body, ref position);
        if (flagsType != MatElements.UInt32 || flags.Length != 8) throw new InvalidDataException("array flags are not 8 bytes of miUINT32");
        uint word = elements.U32(flags.Span);
        int classCode = (int)(word & 0xFF);
        bool complex = (word & 0x800) != 0;
        var (dimsType, dimsData) = elements.Next(body, ref position);
        if (dimsType != MatElements.Int32) throw new InvalidDataException("dimensions are not miINT32");
        int[] dims = [.. elements.Numbers(MatElements.Int32, dimsData.Span).Select(d => d >= 0 ? (int)d : throw new InvalidDataException($"negative dimension {d}"))];
        if (dims.Length < 2) throw new InvalidDataException($"{dims.Length} dimensions, at least 2 expected");
        var (nameType, nameData) = elements.Next(body, ref position);
        if (nameType is not (MatElements.Int8 or MatElements.UInt8)) throw new InvalidDataException("array name is not miINT8");
        string name = Encoding.ASCII.GetString(nameData.Span);
        long count = dims.Aggregate(1L, (a, d) => a * d);

        if (classCode == (int)MatClass.Cell)
        {
            if (count > body.Length) throw new InvalidDataException($"cell array of {count} elements in {body.Length} bytes");
            var cells = new MatArray[count];
            for (long i = 0; i < count; i++)
            {
                var (cellType, cellData) = elements.Next(body, ref position);
                if (cellType != MatElements.Matrix) throw new InvalidDataException($"cell {i + 1} of '{name}' is not an miMATRIX");
                cells[i] = Matrix(elements, cellData).Array;
            }
            return (name, new MatArray(classCode, dims, Cells: cells));
        }
        if (classCode == (int)MatClass.Char)
        {
            var (type, data) = elements.Next(body, ref position);
            string chars = elements.Text(type, data.Span);
            if (chars.Length != count) throw new InvalidDataException($"char array '{name}' of {count} characters holds {chars.Length}");
            return (name, new MatArray(classCode, dims, Chars: chars));
        }
        if (classCode is >= 6 and <= 15 && !complex)
        {
            var (type, data) = elements.Next(body, ref position);
            var numbers = elements.Numbers(type, data.Span);
            if (numbers.Length != count) throw new InvalidDataException($"numeric array '{name}' of {count} elements holds {numbers.Length}");
            return (name, new MatArray(classCode, dims, Numbers: numbers));
        }
        return (name, new MatArray(classCode, dims)); // complex, sparse, struct, object: not read
    }
}
