Console.WriteLine("layerprobe-bench: no benchmarks yet");
