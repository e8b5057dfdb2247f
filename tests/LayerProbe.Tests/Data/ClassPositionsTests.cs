using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

public class ClassPositionsTests
{
    [Fact]
    public void ClassesAreRelabelledInTheOrderGiven()
    {
        var position = ClassPositions.Of([7, 2, 9], 10, "set");
        Assert.Equal(0, position[7]);
        Assert.Equal(1, position[2]);
        Assert.Equal(2, position[9]);
        Assert.False(position.ContainsKey(0));
    }

    [Theory]
    [InlineData(new int[0], "set: class subset [] must name distinct classes 0…9")]
    [InlineData(new[] { 1, 1 }, "set: class subset [1,1] must name distinct classes 0…9")]
    [InlineData(new[] { 3, 10 }, "set: class subset [3,10] must name distinct classes 0…9")]
    [InlineData(new[] { -1 }, "set: class subset [-1] must name distinct classes 0…9")]
    public void BadListsAreOneLine(int[] classes, string message) =>
        Assert.Equal(message, Assert.Throws<LayerProbeException>(() => ClassPositions.Of(classes, 10, "set")).Message);
}
