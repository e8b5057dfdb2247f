namespace LayerProbe.Bench;

/// <summary>A benchmark program: measures, prints each result beside its target, returns 0 when targets are met.</summary>
public interface IBenchmark
{
    /// <summary>Name used on the command line: <c>layerprobe-bench NAME [args]</c>.</summary>
    string Name { get; }
    /// <summary>One line saying what is measured against what.</summary>
    string Description { get; }
    /// <summary>Runs the benchmark.</summary>
    int Run(string[] args);
}
