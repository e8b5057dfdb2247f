using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LayerProbe.Tests.Reports;

/// <summary>What a real browser saw when it loaded a page.</summary>
/// <param name="Problems">Script exceptions, console errors, browser log errors (e.g. "Failed to load resource"),
/// failed network loads, images that did not decode, and references to anything outside the page.</param>
/// <param name="Requests">Every URL the page requested (the page itself included).</param>
sealed record BrowserCheck(IReadOnlyList<string> Problems, IReadOnlyList<string> Requests);

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol: loads a local HTML file at 1280×900, records every
/// request, failed load, script exception and console or log error while it loads, checks in the DOM that every image
/// decoded and that no element refers to anything but the page itself (anchors) or inline data, and saves a screenshot
/// of the first screen.
/// </summary>
static class HeadlessChromium
{
    /// <summary>The browser on PATH, or null (tests then skip with that reason).</summary>
    public static string? Executable { get; } = References.ExternalReferences.Get(Browser).Locate();

    const string Browser = "chromium";

    /// <summary>Why browser tests are skipped here, or null when they can run.</summary>
    public static string? SkipReason => Executable is null ? "chromium is not installed (scripts/setup.sh --tests installs it)" : null;

    const string DomCheck = """
        (() => {
          const problems = [];
          for (const img of document.images)
            if (!img.complete || img.naturalWidth === 0) problems.push('image did not load: ' + (img.getAttribute('src') || '').slice(0, 80));
          for (const el of document.querySelectorAll('[src], [href], link, object, iframe, embed, use')) {
            for (const name of ['src', 'href', 'xlink:href', 'data']) {
              const value = el.getAttribute(name);
              if (value === null || value.startsWith('#') || value.startsWith('data:')) continue;
              problems.push('external reference: <' + el.tagName.toLowerCase() + ' ' + name + '="' + value.slice(0, 80) + '">');
            }
          }
          for (const sheet of document.styleSheets)
            for (const rule of sheet.cssRules)
              if (/url\((?!\s*['"]?(data:|#))/.test(rule.cssText)) problems.push('external url() in CSS: ' + rule.cssText.slice(0, 80));
          return JSON.stringify(problems);
        })()
        """;

    /// <summary>Loads <paramref name="htmlPath"/> and writes the first screen to <paramref name="screenshotPath"/> (PNG).</summary>
    public static BrowserCheck Load(string htmlPath, string screenshotPath, int width = 1280, int height = 900)
    {
        string profile = Directory.CreateTempSubdirectory("chromium-profile").FullName;
        var start = new ProcessStartInfo(Browser)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                     "--hide-scrollbars", $"--user-data-dir={profile}", "--remote-debugging-port=0", $"--window-size={width},{height}", "about:blank" })
            start.ArgumentList.Add(arg);
        using var browser = Process.Start(start)!;
        browser.ErrorDataReceived += (_, _) => { };
        browser.OutputDataReceived += (_, _) => { };
        browser.BeginErrorReadLine();
        browser.BeginOutputReadLine();
        try
        {
            using var session = DevTools.Connect(profile, TimeSpan.FromSeconds(90));
            return session.Check(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, screenshotPath, width, height, DomCheck);
        }
        finally
        {
            if (!browser.WaitForExit(10_000)) browser.Kill(entireProcessTree: true);
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>One DevTools connection to the browser, with one page target attached (flattened session).</summary>
    sealed class DevTools : IDisposable
    {
        readonly ClientWebSocket _socket = new();
        readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
        readonly ConcurrentQueue<JsonObject> _events = new();
        readonly CancellationTokenSource _stop = new();
        int _nextId;
        Task? _reader;

        public static DevTools Connect(string profile, TimeSpan timeout)
        {
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var clock = Stopwatch.StartNew();
            string[] lines = [];
            while (clock.Elapsed < timeout)
            {
                if (File.Exists(portFile) && (lines = File.ReadAllLines(portFile)).Length >= 2) break;
                Thread.Sleep(100);
            }
            if (lines.Length < 2) throw new TimeoutException($"chromium wrote no {portFile} within {timeout.TotalSeconds:F0} s");
            var devTools = new DevTools();
            devTools._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None).Wait(timeout);
            devTools._reader = Task.Run(devTools.ReadLoop);
            return devTools;
        }

        public BrowserCheck Check(string url, string screenshotPath, int width, int height, string domCheck)
        {
            var target = Send("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null);
            string session = Send("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, null)
                ["sessionId"]!.GetValue<string>();
            foreach (var domain in new[] { "Page", "Runtime", "Log", "Network" }) Send($"{domain}.enable", new JsonObject(), session);
            Send("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false }, session);
            Send("Page.navigate", new JsonObject { ["url"] = url }, session);
            var clock = Stopwatch.StartNew();
            while (!Seen(e => e["method"]?.GetValue<string>() == "Page.loadEventFired"))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{url} did not finish loading in 60 s");
                Thread.Sleep(50);
            }
            Thread.Sleep(500); // late console messages and failed loads
            var dom = Send("Runtime.evaluate", new JsonObject { ["expression"] = domCheck, ["returnByValue"] = true }, session);
            var shot = Send("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, session);
            File.WriteAllBytes(screenshotPath, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
            try { Send("Browser.close", new JsonObject(), null); } catch (Exception e) when (e is WebSocketException or TimeoutException or AggregateException) { }

            var problems = new List<string>();
            var requests = new List<string>();
            var urls = new Dictionary<string, string>();
            foreach (var e in _events)
            {
                var p = e["params"];
                switch (e["method"]?.GetValue<string>())
                {
                    case "Network.requestWillBeSent":
                        string requested = p!["request"]!["url"]!.GetValue<string>();
                        urls[p["requestId"]!.GetValue<string>()] = requested;
                        requests.Add(requested);
                        break;
                    case "Network.loadingFailed":
                        problems.Add($"load failed ({p!["errorText"]}): {urls.GetValueOrDefault(p["requestId"]!.GetValue<string>(), "?")}");
                        break;
                    case "Runtime.exceptionThrown":
                        var details = p!["exceptionDetails"]!;
                        problems.Add($"script exception: {details["exception"]?["description"] ?? details["text"]}");
                        break;
                    case "Runtime.consoleAPICalled" when p!["type"]?.GetValue<string>() is "error" or "assert":
                        problems.Add($"console {p["type"]}: {string.Join(" ", p["args"]!.AsArray().Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString()))}");
                        break;
                    case "Log.entryAdded" when p!["entry"]!["level"]?.GetValue<string>() == "error":
                        problems.Add($"browser log error: {p["entry"]!["text"]} {p["entry"]!["url"]}");
                        break;
                }
            }
            var domProblems = dom["result"]?["value"]?.GetValue<string>();
            if (domProblems is null) problems.Add($"the DOM check did not run: {dom.ToJsonString()}");
            else problems.AddRange(JsonSerializer.Deserialize<string[]>(domProblems)!);
            foreach (var request in requests.Where(r => r != url && !r.StartsWith("data:", StringComparison.Ordinal)))
                problems.Add($"requested a resource outside the page: {request}");
            return new BrowserCheck(problems, requests);
        }

        bool Seen(Func<JsonObject, bool> match) => _events.Any(match);

        JsonObject Send(string method, JsonObject parameters, string? session)
        {
            int id = Interlocked.Increment(ref _nextId);
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            if (session is not null) message["sessionId"] = session;
            var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = reply;
            _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).Wait();
            if (!reply.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"DevTools {method}: no answer in 60 s");
            var answer = reply.Task.Result;
            if (answer["error"] is { } error) throw new InvalidOperationException($"DevTools {method}: {error.ToJsonString()}");
            return answer["result"]!.AsObject();
        }

        async Task ReadLoop()
        {
            var buffer = new byte[1 << 16];
            var message = new MemoryStream();
            try
            {
                while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    var json = JsonNode.Parse(message.ToArray())!.AsObject();
                    message.SetLength(0);
                    if (json["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply)) reply.SetResult(json);
                    else if (json["method"] is not null) _events.Enqueue(json);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            foreach (var reply in _pending.Values) reply.TrySetException(new WebSocketException("DevTools connection closed"));
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _reader?.Wait(2000); } catch (AggregateException) { }
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
