using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LayerProbe.Tests.References;

namespace LayerProbe.Tests.Slurm;

/// <summary>
/// A real one-node Slurm cluster on this machine, started as root without systemd (docs/ENVIRONMENT.md §8): munged with
/// a freshly generated key on its own socket, then slurmctld and slurmd in the foreground from a generated slurm.conf
/// (SlurmctldHost = this host's name, proctrack/linuxproc, two free TCP ports, state, spool, logs and pid files in a
/// temporary folder), so it cannot meet any other Slurm or munge on the machine. Clients reach it through
/// <see cref="Environment"/> (SLURM_CONF). <see cref="Dispose"/> cancels its jobs and stops every daemon it started by
/// PID (TERM, then KILL), also when the test failed.
/// </summary>
public sealed class OneNodeSlurm : IDisposable
{
    readonly List<Process> _daemons = [];
    readonly Action<string> _log;

    public OneNodeSlurm(Action<string> log)
    {
        _log = log;
        Folder = Directory.CreateTempSubdirectory("layerprobe-slurm-").FullName;
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101); // munged wants a socket folder others can enter, not write
        Host = System.Net.Dns.GetHostName().Split('.')[0];
        Config = Path.Combine(Folder, "slurm.conf");
        try { Start(); }
        catch { Dispose(); throw; }
    }

    /// <summary>State, spool, logs, key and socket.</summary>
    public string Folder { get; }
    /// <summary>The node's (and controller's) name.</summary>
    public string Host { get; }
    /// <summary>The generated slurm.conf.</summary>
    public string Config { get; }
    /// <summary>What a client of this cluster needs in its environment.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = Config };
    /// <summary>PIDs of the daemons started (munged, slurmctld, slurmd).</summary>
    public IReadOnlyList<int> DaemonPids => [.. _daemons.Select(d => d.Id)];

    /// <summary>True when the current user is root (the daemons need it).</summary>
    public static bool IsRoot => geteuid() == 0;

    [DllImport("libc")] static extern uint geteuid();

    void Start()
    {
        var clock = Stopwatch.StartNew();
        string socket = Path.Combine(Folder, "munge.socket"), key = Path.Combine(Folder, "munge.key");
        File.WriteAllBytes(key, RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        foreach (var sub in new[] { "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Folder, sub));
        var munged = new ProcessStartInfo(ExternalReferences.Get("munged").Locate()!)
        {
            ArgumentList = { "--foreground", "--force", $"--socket={socket}", $"--key-file={key}", $"--log-file={Path.Combine(Folder, "log", "munged.log")}",
                $"--pid-file={Path.Combine(Folder, "munged.pid")}", $"--seed-file={Path.Combine(Folder, "munged.seed")}" },
        };
        Daemon("munged", munged);
        Wait(() => File.Exists(socket), "munged's socket");

        var (ctldPort, dPort) = (FreePort(), FreePort());
        File.WriteAllText(Config, $"""
            ClusterName=layerprobe-test
            SlurmctldHost={Host}
            SlurmctldPort={ctldPort}
            SlurmdPort={dPort}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={socket}
            StateSaveLocation={Path.Combine(Folder, "state")}
            SlurmdSpoolDir={Path.Combine(Folder, "spool")}
            SlurmctldPidFile={Path.Combine(Folder, "slurmctld.pid")}
            SlurmdPidFile={Path.Combine(Folder, "slurmd.pid")}
            SlurmctldLogFile={Path.Combine(Folder, "log", "slurmctld.log")}
            SlurmdLogFile={Path.Combine(Folder, "log", "slurmd.log")}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            MpiDefault=none
            ReturnToService=2
            MinJobAge=600
            NodeName={Host} CPUs=2 State=UNKNOWN
            PartitionName=debug Nodes={Host} Default=YES MaxTime=INFINITE State=UP

            """);
        Daemon("slurmctld", new ProcessStartInfo(ExternalReferences.Get("slurmctld").Locate()!) { ArgumentList = { "-D", "-f", Config } });
        Daemon("slurmd", new ProcessStartInfo(ExternalReferences.Get("slurmd").Locate()!) { ArgumentList = { "-D", "-f", Config } });
        Wait(() => Client(new ProcessStartInfo(ExternalReferences.Get("scontrol").Locate()!) { ArgumentList = { "show", "node", Host } }).Contains("State=IDLE"), "the node to be idle");
        _log($"cluster up in {clock.Elapsed.TotalSeconds:F1} s: munged {_daemons[0].Id}, slurmctld {_daemons[1].Id}, slurmd {_daemons[2].Id} (ports {ctldPort}, {dPort}; {Folder})");
    }

    void Daemon(string name, ProcessStartInfo info)
    {
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["SLURM_CONF"] = Config;
        var process = Process.Start(info)!;
        _daemons.Add(process);
        string log = Path.Combine(Folder, "log", $"{name}.console");
        _ = Task.Run(() => File.WriteAllText(log, process.StandardOutput.ReadToEnd()));
        _ = Task.Run(() => File.AppendAllText(log + ".err", process.StandardError.ReadToEnd()));
    }

    void Wait(Func<bool> ready, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!ready())
        {
            var dead = _daemons.FirstOrDefault(d => d.HasExited);
            if (dead is not null) throw new InvalidOperationException($"a daemon (pid {dead.Id}) ended with {dead.ExitCode} while waiting for {what}; logs in {Folder}/log: {Logs()}");
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"waited 90 s for {what}; logs in {Folder}/log: {Logs()}");
            Thread.Sleep(250);
        }
    }

    string Logs() => string.Join(" | ", Directory.GetFiles(Path.Combine(Folder, "log")).Select(f => $"{Path.GetFileName(f)}: {string.Join(" / ", File.ReadLines(f).TakeLast(3))}"));

    /// <summary>Runs a Slurm client against this cluster; its standard output (empty when it failed).</summary>
    public string Client(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["SLURM_CONF"] = Config;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : "";
    }

    /// <summary>State of every job and array task (squeue, finished jobs included).</summary>
    public Dictionary<string, string> Queue() =>
        Client(new ProcessStartInfo(ExternalReferences.Get("squeue").Locate()!) { ArgumentList = { "--noheader", "--array", "--states=all", "--format=%i %T" } })
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    /// <summary>Cancels a job or one array task (<c>123_1</c>).</summary>
    public void Cancel(string job) => Client(new ProcessStartInfo(ExternalReferences.Get("scancel").Locate()!) { ArgumentList = { job } });

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cancels what still runs on the cluster, then stops slurmd, slurmctld and munged by PID (TERM, then KILL after 15 s).</summary>
    public void Dispose()
    {
        if (_daemons.Count == 3 && _daemons.All(d => !d.HasExited))
            Client(new ProcessStartInfo(ExternalReferences.Get("scancel").Locate()!) { ArgumentList = { "--user=root" } });
        for (int i = _daemons.Count - 1; i >= 0; i--)
        {
            var d = _daemons[i];
            if (!d.HasExited)
            {
                kill(d.Id, 15);
                if (!d.WaitForExit(TimeSpan.FromSeconds(15))) d.Kill();
                d.WaitForExit();
            }
            _log($"stopped pid {d.Id} (exit {d.ExitCode})");
            d.Dispose();
        }
        _daemons.Clear();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [DllImport("libc")] static extern int kill(int pid, int signal);
}

/// <summary>A fact that needs Slurm, munge and root: skipped on a dev machine without them (the missing package named), never on CI.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (ExternalReference.SkipReason([.. new[] { "sbatch", "squeue", "scontrol", "scancel", "slurmctld", "slurmd", "munged" }.Select(ExternalReferences.Get)]) is { } why) Skip = why;
        else if (!OneNodeSlurm.IsRoot && !ExternalReferences.OnCi) Skip = "starting slurmctld, slurmd and munged needs root";
    }
}
