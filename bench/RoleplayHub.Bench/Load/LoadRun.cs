using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RoleplayHub.Audio;
using RoleplayHub.Auth;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// A load run: N simulated trainees started evenly over the ramp, each streaming a recording at real-time pace in
/// 250 ms chunks; the server's CPU and memory sampled from /proc every second and its GC, thread pool and per-turn
/// overhead read from <c>GET /api/stats</c>. Hold = the seconds after the ramp (+1 s) until the memory probe 3 s before
/// the end: CPU means and rates are over the hold, latency percentiles over the run until that probe.
/// </summary>
internal sealed class LoadRun
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _problems = new();
    private readonly TokenIssuer _tokens;
    private readonly List<byte[]> _chunkBase64 = [];
    private string? _memory;
    private string? _census;
    private string? _promotionCensus;
    private string? _cardCensus;
    private bool _noGcRegion; // the run began in a no-GC region (LoadOptions.NoGcRegionMb)
    private readonly List<LatencySamples> _measured = [];
    private (int Server, int Self)? _samplesInHold;

    public LoadRun(LoadOptions options)
    {
        Options = options;
        _tokens = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new AuthOptions
        {
            SigningKey = options.JwtSecret, Issuer = options.Issuer, Audience = options.Audience,
        }), TimeProvider.System); // the service's own issuer: tokens exactly like the ones it accepts
        RunId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var audio = LoadAudio(options);
        for (var offset = 0; offset < audio.Length; offset += 8_000)
        {
            var chunk = audio.AsSpan(offset, Math.Min(8_000, audio.Length - offset)).ToArray();
            Chunks.Add(chunk);
            _chunkBase64.Add(Encoding.ASCII.GetBytes(Convert.ToBase64String(chunk)));
        }

        // A sample per chunk: sized for the whole run at once, so no list is regrown (and copied on the large-object
        // heap) while the run is measured.
        var chunks = (int)Math.Min(int.MaxValue / 16, options.Sessions * options.Duration.TotalSeconds * 4 * 1.1);
        ChunkAck = Measured(chunks);
        ChunkCompletion = Measured(options.ChunkMode == "invoke" ? chunks : 0);
        SendLag = Measured(chunks);
        SendLagInHold = Measured(chunks);
        CommitToTranscription = Measured();
        CommitToAiResponse = Measured();
        CommitToAvatar = Measured();
        Connect = Measured();
        StartSession = Measured();
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    }

    public LoadOptions Options { get; }

    public string RunId { get; }

    public HttpClient Http { get; }

    /// <summary>What every WebSocket connects through: one handler, where a connect without one built its own each
    /// time (a new connection pool per session's audio socket, kept alive until the next collection).</summary>
    public HttpMessageInvoker WebSockets { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

    public List<byte[]> Chunks { get; } = [];

    public LatencySamples ChunkAck { get; }

    public LatencySamples ChunkCompletion { get; }

    public LatencySamples CommitToTranscription { get; }

    public LatencySamples CommitToAiResponse { get; }

    public LatencySamples CommitToAvatar { get; }

    public LatencySamples Connect { get; }

    public LatencySamples StartSession { get; }

    public LatencySamples SendLag { get; }

    /// <summary>The send lag after the ramp: what the generator's own pacing costs once every session is streaming.</summary>
    public LatencySamples SendLagInHold { get; }

    private long _holdFrom = long.MaxValue;

    public long ChunksSent;
    public long ChunksAcked;
    public long UtterancesAnswered;
    public long SessionsStarted;
    public long Partials;
    public long ReplyDeltas;

    /// <summary>When chunk <paramref name="index"/> of an utterance started at <paramref name="t0"/> is due: every
    /// 250 ms, scheduled from t0 so timer lateness does not accumulate.</summary>
    public static long ChunkDue(long t0, int index) => t0 + Timing.Ticks(index * 250);

    /// <summary>Latency samples of the measured window (every one is closed with it).</summary>
    private LatencySamples Measured(int capacity = 1 << 16)
    {
        var samples = new LatencySamples(capacity);
        _measured.Add(samples);
        return samples;
    }

    /// <summary>Ends the measured window: latencies observed after this are not part of the run's figures.</summary>
    private void CloseLatencyWindow() => _measured.ForEach(samples => samples.Close());

    /// <summary>A chunk due at <paramref name="due"/> is being sent now: its lateness is the generator's send lag.</summary>
    public long RecordSend(long due)
    {
        var now = Stopwatch.GetTimestamp();
        var lag = Timing.Ms(due, now);
        SendLag.Add(lag);
        if (now >= Volatile.Read(ref _holdFrom))
        {
            SendLagInHold.Add(lag);
        }

        return now;
    }

    /// <summary>An acknowledgement arrived: it covers the oldest <paramref name="covers"/> chunks still outstanding
    /// (<c>audioAckEvery</c>), and its latency is the newest of them's.</summary>
    public void Acknowledged(ConcurrentQueue<long> unacked, int covers)
    {
        var covered = 0;
        long sent = 0;
        while (covered < covers && unacked.TryDequeue(out var next))
        {
            sent = next;
            covered++;
        }

        if (covered == 0)
        {
            Count("unexpectedAcks", "audio-received with no chunk outstanding");
            return;
        }

        ChunkAck.Add(Timing.Ms(sent));
        Interlocked.Add(ref ChunksAcked, covered);
    }

    public string TokenFor(int index) => Token($"user{index}", []);

    public string Token(string user, string[] roles) => _tokens.Issue(user, roles, TimeSpan.FromHours(2)).Token;

    public void Count(string problem, string detail)
    {
        var details = _problems.GetOrAdd(problem, _ => new ConcurrentDictionary<string, int>());
        details.AddOrUpdate(detail.Length > 120 ? detail[..120] : detail, 1, (_, n) => n + 1);
    }

    /// <summary>How many bytes of a chunk's audio <see cref="Stamp"/> writes over: four and a half samples, and in
    /// base64 exactly its first 12 characters.</summary>
    public const int StampLength = 9;

    /// <summary>More methods compiled in the hold than this and the report says the server was not warm yet. A
    /// warm-up that ran every path leaves a few dozen at most; one that ended before the trainees' second drill ends
    /// (the trend's first reads of an earlier report) left a few hundred.</summary>
    public const int WarmServerMaxCompiles = 100;

    // Random per run: a warm-up's trainees and the measured run's, numbered alike, do not send the same stamps.
    private readonly int _runStamp = RandomNumberGenerator.GetInt32(1 << 24);

    /// <summary>
    /// Writes over the first samples of a chunk's audio with the run, the trainee's number and how many chunks it has
    /// sent, so no two chunks, and no two utterances, are the same bytes, as no two real voices' are: a server that stores
    /// recordings by their content finds no copy to reuse. Nothing with <c>--identical-audio</c>.
    /// </summary>
    public void Stamp(Span<byte> audio, int user, long chunk)
    {
        if (Options.IdenticalAudio || audio.Length < StampLength)
        {
            return;
        }

        // 24 bits each: 16 million runs, trainees, and chunks (46 days of speech) per trainee.
        audio[0] = (byte)_runStamp;
        audio[1] = (byte)(_runStamp >> 8);
        audio[2] = (byte)(_runStamp >> 16);
        audio[3] = (byte)user;
        audio[4] = (byte)(user >> 8);
        audio[5] = (byte)(user >> 16);
        audio[6] = (byte)chunk;
        audio[7] = (byte)(chunk >> 8);
        audio[8] = (byte)(chunk >> 16);
    }

    /// <summary><see cref="Stamp"/> on audio already in base64: its first 12 characters.</summary>
    private void StampBase64(Span<byte> base64, int user, long chunk)
    {
        if (Options.IdenticalAudio || base64.Length < 12)
        {
            return;
        }

        Span<byte> stamp = stackalloc byte[StampLength];
        Stamp(stamp, user, chunk);
        System.Buffers.Text.Base64.EncodeToUtf8(stamp, base64[..12], out _, out _);
    }

    /// <summary>The audio-chunk record for chunk <paramref name="index"/>, assembled around its precomputed base64 in a
    /// pooled buffer (base64 never needs JSON escaping).</summary>
    public (byte[] Buffer, int Length) ChunkRecord(int index, int user, long sent, string sessionId, long offset, string? invocationId, string? streamId = null)
    {
        if (Options.Protocol == "messagepack")
        {
            return MessagePackChunkRecord(index, user, sent, sessionId, offset, invocationId);
        }

        var head = streamId is not null
            ? $"{{\"type\":2,\"invocationId\":\"{streamId}\",\"item\":{{\"offset\":{offset},\"audioData\":\""
            : invocationId is null
                ? $"{{\"type\":1,\"target\":\"audio-chunk\",\"arguments\":[{{\"sessionId\":\"{sessionId}\",\"offset\":{offset},\"audioData\":\""
                : $"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"audio-chunk\",\"arguments\":[{{\"sessionId\":\"{sessionId}\",\"offset\":{offset},\"audioData\":\"";
        var tail = streamId is not null ? "\"}}\u001e"u8 : "\"}]}\u001e"u8;
        var base64 = _chunkBase64[index];
        var buffer = ArrayPool<byte>.Shared.Rent(head.Length + base64.Length + 8);
        var length = Encoding.ASCII.GetBytes(head, buffer);
        base64.CopyTo(buffer, length);
        StampBase64(buffer.AsSpan(length, base64.Length), user, sent);
        length += base64.Length;
        tail.CopyTo(buffer.AsSpan(length));
        return (buffer, length + tail.Length);
    }

    /// <summary>The reference's Socket.io event for chunk <paramref name="index"/>: <c>42["audio-chunk",{…}]</c>
    /// around the same precomputed base64, in a pooled buffer.</summary>
    public (byte[] Buffer, int Length) SocketIoChunkRecord(int index, int user, long sent, string sessionId, long offset)
    {
        var head = $"42[\"audio-chunk\",{{\"sessionId\":\"{sessionId}\",\"offset\":{offset},\"totalChunks\":{Chunks.Count},\"audioData\":\"";
        var base64 = _chunkBase64[index];
        var buffer = ArrayPool<byte>.Shared.Rent(head.Length + base64.Length + 4);
        var length = Encoding.ASCII.GetBytes(head, buffer);
        base64.CopyTo(buffer, length);
        StampBase64(buffer.AsSpan(length, base64.Length), user, sent);
        length += base64.Length;
        "\"}]"u8.CopyTo(buffer.AsSpan(length));
        return (buffer, length + 3);
    }

    /// <summary>The same record in MessagePack, audio as bytes: [1, {}, id, "audio-chunk", [{sessionId, offset,
    /// audioData}], []], length-prefixed, written straight into a pooled buffer.</summary>
    private (byte[] Buffer, int Length) MessagePackChunkRecord(int index, int user, long sent, string sessionId, long offset, string? invocationId)
    {
        var audio = Chunks[index];
        var buffer = ArrayPool<byte>.Shared.Rent(audio.Length + 256);
        var body = new FixedBufferWriter(buffer, 3); // room for the length prefix (a chunk is under 2 MB)
        var writer = new MessagePack.MessagePackWriter(body);
        writer.WriteArrayHeader(6);
        writer.Write(1);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write("audio-chunk");
        writer.WriteArrayHeader(1);
        writer.WriteMapHeader(3);
        writer.Write("sessionId");
        writer.Write(sessionId);
        writer.Write("offset");
        writer.Write(offset);
        writer.Write("audioData");
        writer.WriteBinHeader(audio.Length);
        var bytes = writer.GetSpan(audio.Length)[..audio.Length];
        audio.CopyTo(bytes);
        Stamp(bytes, user, sent);
        writer.Advance(audio.Length);
        writer.WriteArrayHeader(0);
        writer.Flush();
        Span<byte> prefix = stackalloc byte[5];
        var prefixLength = HubSocket.WriteLengthPrefix(prefix, body.Written);
        var start = 3 - prefixLength;
        prefix[..prefixLength].CopyTo(buffer.AsSpan(start));
        if (start > 0)
        {
            buffer.AsSpan(start, prefixLength + body.Written).CopyTo(buffer);
        }

        return (buffer, prefixLength + body.Written);
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> over a rented array, from a given position.</summary>
    private sealed class FixedBufferWriter(byte[] buffer, int start) : IBufferWriter<byte>
    {
        private readonly int _start = start;
        private int _position = start;

        public int Written => _position - _start;

        public void Advance(int count) => _position += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(_position);

        public Span<byte> GetSpan(int sizeHint = 0) =>
            sizeHint <= buffer.Length - _position ? buffer.AsSpan(_position) : throw new InvalidOperationException("chunk record larger than its buffer");
    }

    public async Task<int> RunAsync()
    {
        var o = Options;
        Console.WriteLine($"{o.Target} {o.Url}: {o.Sessions} sessions, ramp {o.Ramp.TotalSeconds:0} s, duration {o.Duration.TotalSeconds:0} s, " +
            $"{Chunks.Count} chunks ({Chunks.Count / 4.0:0.##} s) per utterance, " +
            (o.Target == "floor" ? $"a pause of {o.Pause.TotalSeconds:0.#} s after each, the audio socket's framing on a WebSocket to /floor, each chunk acknowledged, " :
            $"chunk mode {o.ChunkMode}, {o.Protocol} protocol, acknowledged by {(o.AudioAck == "completion" ? "the completion" : o.AudioAckEvery > 1 ? $"audio-received every {o.AudioAckEvery} chunks" : "audio-received")}, ") +
            $"{(o.IdenticalAudio ? "every utterance the same audio" : "each trainee's audio its own (stamped chunks)")}");
        // Before the clock starts: starting the region collects once.
        _noGcRegion = o.NoGcRegionMb > 0 && GC.TryStartNoGCRegion((long)o.NoGcRegionMb << 20);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(o.Duration.TotalSeconds * Stopwatch.Frequency);
        var holdFrom = start + (long)((o.Ramp.TotalSeconds + 1) * Stopwatch.Frequency);
        Volatile.Write(ref _holdFrom, holdFrom);
        var users = Enumerable.Range(0, o.Sessions)
            .Select(i => o.Target switch
            {
                "socketio" => (ITrainee)new SocketIoUser(i, this),
                "floor" => new FloorTrainee(i, this),
                _ => new SimulatedUser(i, this),
            }).ToList();
        var tasks = users.Select((u, i) => Task.Run(() => u.RunAsync(start + (long)(o.Ramp.TotalSeconds * Stopwatch.Frequency * i / Math.Max(1, o.Sessions)), deadline))).ToList();

        var server = o.ServerPid is { } pid ? new ProcessSampler(pid) : null;
        var self = new ProcessSampler(Environment.ProcessId);
        var stats = new List<(long At, JsonElement Stats)>();
        var liveHeap = new List<JsonElement>();
        var liveHeapDue = start;
        var live = new List<int>();
        var adminToken = Token("loadgen-admin", ["admin"]);
        var memoryBefore = await ReadStatsAsync(adminToken, collect: true);
        var censusBefore = o.HeapCensus && o.ServerPid is { } censused ? HeapCensus.Take(censused) : null;
        var rssBefore = server?.Rss() ?? 0;
        (JsonElement Stats, long Rss, int Live)? memoryHeld = null;
        long serverTicksAtHold = 0, serverTicksAtEnd = 0, chunksAtHold = 0, chunksAtEnd = 0, holdStarted = 0, holdEnded = 0;
        var holdClosed = false;
        OwnCollections selfAtHold = default, selfAtEnd = default;
        server?.Sample();
        self.Sample();
        var all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(1_000));
            var now = Stopwatch.GetTimestamp();
            server?.Sample();
            self.Sample();
            if (now >= deadline || holdClosed)
            {
                continue; // the memory probe, then users ending their sessions: not part of the hold
            }

            live.Add(o.Idle ? users.Count(u => u.IsConnected) : users.Count(u => u.HasSession));
            if (await ReadStatsAsync(adminToken) is { } snapshot)
            {
                stats.Add((now, snapshot));
            }

            if (o.LiveHeapEvery is { } every && now >= liveHeapDue && await ReadStatsAsync(adminToken, collect: true) is { } collected)
            {
                liveHeap.Add(collected);
                liveHeapDue = now + (long)(every.TotalSeconds * Stopwatch.Frequency);
            }

            if (now >= holdFrom)
            {
                if (holdStarted == 0)
                {
                    holdStarted = now;
                    serverTicksAtHold = server?.TotalTicks() ?? 0;
                    chunksAtHold = Interlocked.Read(ref ChunksSent);
                    selfAtHold = OwnCollections.Now();
                }

                if (o.PromotionCensus && _promotionCensus is null && now - holdStarted >= (deadline - holdStarted) / 2 && o.ServerPid is { } promoting)
                {
                    _promotionCensus = HeapCensus.TakeGeneration1(promoting).Report(HeapCensus.Empty, Math.Max(1, live[^1]), "session", top: 45, what: "in generation 1 (promoted since the last gen1 collection)");
                }

                if (o.CardCensus && _cardCensus is null && now - holdStarted >= (deadline - holdStarted) / 2 && o.ServerPid is { } carding)
                {
                    _cardCensus = Load.CardCensus.Take(carding).Report(Math.Max(1, live[^1]));
                }

                holdEnded = now;
                serverTicksAtEnd = server?.TotalTicks() ?? 0;
                chunksAtEnd = Interlocked.Read(ref ChunksSent);
                selfAtEnd = OwnCollections.Now();
            }

            if (now >= deadline - (3 * Stopwatch.Frequency))
            {
                // The memory probe makes the server run a full blocking collection, a pause no client would meet in
                // service: the hold and the latency window end here, before it.
                holdClosed = true;
                CloseLatencyWindow();
                _samplesInHold = (server?.Samples.Count ?? 0, self.Samples.Count);
                if (await ReadStatsAsync(adminToken, collect: true) is { } held)
                {
                    memoryHeld = (held, server?.Rss() ?? 0, live[^1]);
                    if (censusBefore is not null && live[^1] > 0)
                    {
                        _census = HeapCensus.Take(o.ServerPid!.Value).Report(censusBefore, live[^1], o.Idle ? "connection" : "session");
                    }
                }
            }
        }

        var holdSeconds = (holdEnded - holdStarted) / (double)Stopwatch.Frequency;
        if (memoryBefore is { } before && memoryHeld is { } after && after.Live > 0)
        {
            var heap = after.Stats.GetProperty("managedHeapBytes").GetInt64() - before.GetProperty("managedHeapBytes").GetInt64();
            var what = o.Idle ? "idle connection" : "streaming session";
            _memory = $"memory per {what} ({after.Live} live, after a full GC): managed heap {heap / (double)after.Live / 1024:0.0} KB, " +
                $"RSS {(after.Rss - rssBefore) / (double)after.Live / 1024:0.0} KB";
        }

        // The server keeps the last 8,192 turns' overheads: ask for this run's hold only (not a warm-up's turns).
        JsonElement? overhead = null;
        if (stats.FirstOrDefault(s => s.At >= holdFrom).Stats is { ValueKind: JsonValueKind.Object } atHold && atHold.TryGetProperty("overhead", out var since))
        {
            var window = $"turnsSince={since.GetProperty("turns").GetInt64()}&eventsSince={since.GetProperty("events").GetInt64()}";
            overhead = (await ReadStatsAsync(adminToken, query: window))?.GetProperty("overhead");
        }

        var chunksInHold = chunksAtEnd - chunksAtHold;
        Report(server, self, stats, liveHeap, live, serverTicksAtEnd - serverTicksAtHold, holdSeconds, chunksInHold, start, holdFrom, overhead, selfAtEnd - selfAtHold);
        return 0;
    }

    private async Task<JsonElement?> ReadStatsAsync(string token, bool collect = false, string? query = null)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Options.Url}/api/stats?{(collect ? "collect=true&" : "")}{query}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Http.SendAsync(request);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private void Report(ProcessSampler? server, ProcessSampler self, List<(long At, JsonElement Stats)> stats, List<JsonElement> liveHeap, List<int> live,
        long serverTicksInHold, double holdSeconds, long chunksInHold, long start, long holdFrom, JsonElement? overhead, OwnCollections selfInHold)
    {
        var o = Options;
        Console.WriteLine();
        Console.WriteLine("| latency (ms) | n | p50 | p90 | p95 | p99 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Row("chunk → audio-received", ChunkAck);
        if (o.ChunkMode == "invoke")
        {
            Row("audio-chunk invoke → completion", ChunkCompletion);
        }

        Row("commit → transcription (final)", CommitToTranscription);
        Row("commit → ai-response", CommitToAiResponse);
        Row("commit → avatar-response", CommitToAvatar);
        Row("connect (negotiate + WebSocket + handshake)", Connect);
        Row("start-session → session-started", StartSession);
        Console.WriteLine();

        var holdMean = live.Skip((int)o.Ramp.TotalSeconds + 1).DefaultIfEmpty(0).Average();
        var holdSecs = Math.Max(1, holdSeconds);
        Console.WriteLine($"sessions: {live.DefaultIfEmpty(0).Max()}/{o.Sessions} peak, {holdMean:0.0} mean in hold; {SessionsStarted} started; " +
            $"{Partials} partial transcriptions; {ReplyDeltas} ai-response-delta");
        Console.WriteLine($"throughput: {chunksInHold / holdSecs:0.0} chunks/s in hold; {ChunksAcked}/{ChunksSent} chunks acked; {UtterancesAnswered} utterances answered");
        if (server is not null)
        {
            var hold = server.Samples.Take(_samplesInHold?.Server ?? int.MaxValue).Skip((int)o.Ramp.TotalSeconds + 1).ToList();
            var cpuMs = serverTicksInHold * ProcessSampler.MsPerTick;
            Console.WriteLine($"server: CPU {hold.Select(s => s.CpuPercent).DefaultIfEmpty(0).Average():0.0}% mean in hold, {server.Samples.Select(s => s.CpuPercent).DefaultIfEmpty(0).Max():0}% max (of one core); " +
                $"RSS max {server.Samples.Select(s => s.RssBytes).DefaultIfEmpty(0).Max() / 1048576.0:0.0} MB; " +
                $"{cpuMs / Math.Max(1, holdMean * holdSecs):0.000} CPU-ms per session-second, {cpuMs / Math.Max(1, chunksInHold):0.000} CPU-ms per chunk");
        }

        if (stats.Count >= 2)
        {
            var first = stats.First(s => s.At >= holdFrom).Stats;
            var last = stats[^1].Stats;
            int Delta(string name) => last.GetProperty(name).GetInt32() - first.GetProperty(name).GetInt32();
            var heap = stats.Select(s => s.Stats.GetProperty("managedHeapBytes").GetInt64()).Max() / 1048576.0;
            var queue = stats.Select(s => s.Stats.GetProperty("threadPoolQueue").GetInt64()).Max();
            var pause = last.GetProperty("gcPauseMs").GetDouble() - first.GetProperty("gcPauseMs").GetDouble();
            var allocated = last.GetProperty("allocatedBytes").GetInt64() - first.GetProperty("allocatedBytes").GetInt64();
            Console.WriteLine($"server GC in hold: gen0 {Delta("gen0Collections")}, gen1 {Delta("gen1Collections")}, gen2 {Delta("gen2Collections")}, pause {pause:0} ms " +
                $"({pause / holdSecs * 100 / 1000:0.00}% of time); managed heap max {heap:0.0} MB; thread-pool queue max {queue}; " +
                $"allocated {allocated / Math.Max(1, chunksInHold) / 1024.0:0.0} KB per chunk");
            if (YoungCollections.Summarize([.. stats.Where(s => s.At >= holdFrom).Select(s => s.Stats)]) is { } young)
            {
                Console.WriteLine(young);
            }

            if (last.TryGetProperty("jitCompiledMethods", out var jitMethods))
            {
                // A server still tiering up spends a large share of its CPU in the JIT (a fifth of it in the first
                // ~100 s at 200 sessions): a figure measured then is not the steady state. bench/run.sh warms up first.
                // Judged by the methods compiled, not the JIT's time: a warm server still compiles a few hundred (what
                // runs every few seconds, this generator's stats requests among it, reaches the call count late), and
                // the time is wall-clock, inflated when the server shares its core (bench/pair.sh).
                var jitMs = last.GetProperty("jitCompilationMs").GetDouble() - first.GetProperty("jitCompilationMs").GetDouble();
                var compiled = jitMethods.GetInt64() - first.GetProperty("jitCompiledMethods").GetInt64();
                Console.WriteLine($"server JIT in hold: {compiled} methods compiled, " +
                    $"{jitMs:0} ms compiling ({jitMs / holdSecs / 10:0.0}% of the time){(compiled > WarmServerMaxCompiles ? " — not warm yet" : "")}");
            }

            if (overhead is { } windowed)
            {
                Console.WriteLine($"server overhead per turn (ms): flush → STT call p50 {windowed.GetProperty("flushToSttP50").GetDouble():0.00} p99 {windowed.GetProperty("flushToSttP99").GetDouble():0.00}; " +
                    $"provider result → event written p50 {windowed.GetProperty("resultToWireP50").GetDouble():0.00} p99 {windowed.GetProperty("resultToWireP99").GetDouble():0.00}");
            }
        }

        if (_memory is not null)
        {
            Console.WriteLine(_memory);
        }

        foreach (var census in new[] { _census, _promotionCensus, _cardCensus }.OfType<string>())
        {
            Console.WriteLine();
            Console.WriteLine(census);
            Console.WriteLine();
        }

        var lag = SendLag.Summary();
        var lagInHold = SendLagInHold.Summary();
        var selfHold = self.Samples.Take(_samplesInHold?.Self ?? int.MaxValue).Skip((int)o.Ramp.TotalSeconds + 1).Select(s => s.CpuPercent).DefaultIfEmpty(0).ToList();
        Console.WriteLine($"loadgen: CPU {self.Samples.Select(s => s.CpuPercent).DefaultIfEmpty(0).Average():0.0}% mean, {selfHold.Average():0.0}% mean in hold, " +
            $"{self.Samples.Select(s => s.CpuPercent).DefaultIfEmpty(0).Max():0}% max; send lag p99 {lag.P99:0.00} ms, max {lag.Max:0.0} ms " +
            $"(in the hold {lagInHold.P99:0.00} / {lagInHold.Max:0.0} ms); " +
            $"its own GC over the run: {GC.CollectionCount(0)} collections ({GC.CollectionCount(1)} of gen1 or gen2, {GC.CollectionCount(2)} of gen2), " +
            $"paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms; in the hold {selfInHold.Collections} collections, paused {selfInHold.Paused.TotalMilliseconds:0} ms, " +
            $"{selfInHold.Allocated / Math.Max(1, chunksInHold) / 1024.0:0.00} KB allocated per chunk");
        if (o.NoGcRegionMb > 0)
        {
            var held = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            Console.WriteLine($"loadgen no-GC region of {o.NoGcRegionMb} MB: " +
                (!_noGcRegion ? "refused by the runtime" : held ? "held to the end of the run" : "ended by a collection when its budget ran out"));
            if (held)
            {
                GC.EndNoGCRegion();
            }
        }

        // A figure measured through a saturated generator is the generator's: judged over the hold (the ramp's burst of
        // connections peaks briefly), a run above 70 % of its core or 10 ms of send lag at p99 is not a figure of the server.
        if (lag.P99 > 10 || selfHold.Average() > 70)
        {
            Console.WriteLine($"INVALID: the load generator was the bottleneck (limits: 70% CPU mean in hold, send lag p99 10 ms); do not quote this run.");
        }
        else if (selfHold.Max() > 90)
        {
            Console.WriteLine($"note: single seconds of the load generator's hold peaked at {selfHold.Max():0}% CPU; the tails may include its queueing.");
        }

        Console.WriteLine(_problems.IsEmpty
            ? "problems: none"
            : "problems: " + string.Join("; ", _problems.Select(p => $"{p.Key}={p.Value.Values.Sum()} ({string.Join(", ", p.Value.Take(3).Select(d => $"{d.Value}× {d.Key}"))})")));

        if (Options.Out is { } path)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new
            {
                options = Options,
                chunkAck = ChunkAck.Summary(),
                commitToAvatar = CommitToAvatar.Summary(),
                server = server?.Samples.Select(s => new { s.CpuPercent, s.RssBytes }),
                stats = stats.Select(s => s.Stats),
                liveHeap,
            }, new JsonSerializerOptions { IncludeFields = true }));
        }

        static void Row(string name, LatencySamples samples)
        {
            var s = samples.Summary();
            Console.WriteLine($"| {name} | {s.N} | {s.P50:0.00} | {s.P90:0.00} | {s.P95:0.00} | {s.P99:0.00} | {s.Max:0.00} |");
        }
    }

    private static byte[] LoadAudio(LoadOptions options)
    {
        var seconds = options.UtteranceSeconds;
        var bytes = (int)(seconds * 32_000);
        if (options.Audio is { } path)
        {
            var raw = path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? WavSamples(path) : File.ReadAllBytes(path);
            var looped = new byte[bytes];
            for (var i = 0; i < bytes; i += raw.Length)
            {
                raw.AsSpan(0, Math.Min(raw.Length, bytes - i)).CopyTo(looped.AsSpan(i));
            }

            return looped;
        }

        // A voice-like signal: 150 Hz and harmonics under a 4 Hz syllable envelope, plus a little noise.
        var random = new Random(42);
        var audio = new byte[bytes];
        for (var i = 0; i < bytes / 2; i++)
        {
            var t = i / 16_000.0;
            var envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 4 * t));
            var sample = envelope * ((0.5 * Math.Sin(2 * Math.PI * 150 * t)) + (0.25 * Math.Sin(2 * Math.PI * 300 * t)) + (0.12 * Math.Sin(2 * Math.PI * 450 * t)))
                + (0.02 * (random.NextDouble() - 0.5));
            BitConverter.TryWriteBytes(audio.AsSpan(2 * i), (short)(sample * 12_000));
        }

        return audio;
    }

    /// <summary>A WAV file's samples as PCM16 bytes, read by NAudio; it must hold what a session streams.</summary>
    private static byte[] WavSamples(string path)
    {
        var (format, samples) = WavFile.ReadPcm16(path);
        return format is { SampleRate: 16_000, Channels: 1 }
            ? MemoryMarshal.AsBytes(samples.AsSpan()).ToArray()
            : throw new ArgumentException($"--audio {path} is {format}; the load generator streams 16 kHz mono.");
    }
}
