namespace LayerProbe.Scenes;

/// <summary>
/// The object classes of Fashion-MNIST scenes: the 10 Fashion-MNIST classes in label order, named the VOC way
/// (lower case, no spaces or slashes, so <c>CLASS_split.txt</c> file names work).
/// </summary>
public static class SceneClasses
{
    /// <summary>Class names; index = Fashion-MNIST label.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankleboot"];
}
