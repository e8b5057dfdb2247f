namespace LayerProbe.Tests;

/// <summary>
/// Tests that drive the CLI swap the process-wide <see cref="Console"/> writers. They run in this collection, which
/// xunit runs alone after the parallel ones, so no other test's log lines leak into a capture.
/// </summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;
