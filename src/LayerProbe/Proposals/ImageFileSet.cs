using System.Security.Cryptography;
using LayerProbe.Data;

namespace LayerProbe.Proposals;

/// <summary>
/// The image files proposals are computed for, in data-set order: <c>voc2007:DEVKIT:SPLIT</c> (the split's
/// <c>JPEGImages/&lt;id&gt;.jpg</c>, ids from <c>ImageSets/Main/SPLIT.txt</c>) or <c>images:DIR</c> (the images of
/// <see cref="ImageFolderItems"/>, ids "class/file"). The same two specifications as <c>extract --data</c>, without
/// any item kinds: proposals belong to whole images.
/// </summary>
public sealed class ImageFileSet
{
    ImageFileSet(string name, IReadOnlyList<string> ids, IReadOnlyList<string> paths)
    {
        Name = name;
        Ids = ids;
        Paths = paths;
    }

    /// <summary>Data-set name (e.g. "voc2007/test").</summary>
    public string Name { get; }
    /// <summary>Image ids in order.</summary>
    public IReadOnlyList<string> Ids { get; }
    /// <summary>Image file paths, parallel to <see cref="Ids"/>.</summary>
    public IReadOnlyList<string> Paths { get; }
    /// <summary>Number of images.</summary>
    public int Count => Ids.Count;

    /// <summary>Resolves <paramref name="specification"/>; a malformed one is a one-line user error naming <c>--data</c>.</summary>
    public static ImageFileSet FromSpec(string specification)
    {
        int colon = specification.IndexOf(':');
        string scheme = colon < 0 ? specification : specification[..colon], argument = colon < 0 ? "" : specification[(colon + 1)..];
        switch (scheme.ToLowerInvariant())
        {
            case "voc2007":
                var parts = argument.Split(':');
                if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || (parts.Length == 3 && parts[2] != "images"))
                    throw LayerProbeException.ForParameter("data", $"'{specification}' does not match voc2007:DEVKIT_DIR:SPLIT");
                var devkit = new VocDevkit(parts[0]);
                var ids = devkit.ImageIds(parts[1]);
                return new ImageFileSet($"voc2007/{parts[1]}", ids, [.. ids.Select(devkit.ImagePath)]);
            case "images":
                if (argument.Length == 0) throw LayerProbeException.ForParameter("data", "missing argument (expected images:DIR)");
                var folder = new ImageFolderItems(argument);
                return new ImageFileSet(folder.Name, [.. Enumerable.Range(0, folder.Count).Select(folder.Id)],
                    [.. Enumerable.Range(0, folder.Count).Select(folder.FilePath)]);
            default:
                throw LayerProbeException.ForParameter("data", $"proposals need images: voc2007:DEVKIT_DIR:SPLIT or images:DIR, not '{specification}'");
        }
    }

    /// <summary>An explicit list (tests, other tools).</summary>
    public static ImageFileSet Of(string name, IReadOnlyList<string> ids, IReadOnlyList<string> paths)
    {
        if (ids.Count != paths.Count) throw new ArgumentException("ids and paths differ in length");
        return new ImageFileSet(name, ids, paths);
    }

    /// <summary>
    /// SHA-256 of every image's bytes (hex), in order. A missing or unreadable image is a <see cref="LayerProbeException"/>
    /// naming the file.
    /// </summary>
    public string[] ContentHashes()
    {
        var hashes = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            try
            {
                using var file = File.OpenRead(Paths[i]);
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(file));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            { throw LayerProbeException.For(Paths[i], $"image {Ids[i]} is missing", e); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw LayerProbeException.For(Paths[i], $"cannot read image: {e.Message}", e); }
        }
        return hashes;
    }

    /// <summary>The fingerprint of the images' content: ids and byte hashes in order (not paths or file times).</summary>
    public static string Fingerprint(IReadOnlyList<string> ids, IReadOnlyList<string> hashes)
    {
        var f = new Fingerprints();
        for (int i = 0; i < ids.Count; i++) f.Add(ids[i]).Add(hashes[i]);
        return f.Finish();
    }
}
