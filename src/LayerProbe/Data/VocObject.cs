namespace LayerProbe.Data;

/// <summary>One annotated object of a VOC image: class, pose, flags and its box (1-based inclusive pixels).</summary>
public sealed record VocObject(string ClassName, int ClassIndex, string Pose, bool Truncated, bool Difficult, PixelBox Box);

/// <summary>The parsed <c>Annotations/&lt;id&gt;.xml</c> of one VOC image.</summary>
public sealed record VocAnnotation(string ImageId, int Width, int Height, int Depth, IReadOnlyList<VocObject> Objects);
