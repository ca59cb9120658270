using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RoleplayHub.Audio;

namespace RoleplayHub.Tests.Aliyun.Fakes;

public sealed partial class FakeNlsGateway
{
    private const int MaxTtsCharacters = 300;

    // ---- REST one-sentence recognition ------------------------------------------------------------------------

    private async Task AsrAsync(HttpContext context)
    {
        var taskId = Guid.NewGuid().ToString("N");
        context.Response.Headers["X-NLS-RequestId"] = taskId;
        var query = context.Request.Query;
        if (AsrFaults.TryDequeue(out var fault))
        {
            if (fault.Drop)
            {
                context.Abort();
                return;
            }

            await RestErrorAsync(context, fault.HttpStatus ?? 500, taskId, fault.Status ?? 50000000, fault.StatusText);
            return;
        }

        if (query["appkey"].ToString() is not { Length: > 0 } appKey)
        {
            await RestErrorAsync(context, 400, taskId, 41000002, "Meta:APPKEY_KEY_IS_NULL:Appkey is null!");
            return;
        }

        if (CheckToken(context.Request.Headers["X-NLS-Token"].ToString()) is { } denied)
        {
            await RestErrorAsync(context, 403, taskId, 40000001, denied);
            return;
        }

        if (!IsAppKey(appKey))
        {
            await RestErrorAsync(context, 400, taskId, 40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!");
            return;
        }

        var rate = int.TryParse(query["sample_rate"], out var r) ? r : 16000;
        if (rate is not (8000 or 16000))
        {
            await RestErrorAsync(context, 400, taskId, 41010101, "UNSUPPORTED_SAMPLE_RATE");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var audio = body.ToArray().AsSpan();
        if (query["format"] == "wav" && audio.Length >= WavFile.HeaderSize)
        {
            audio = audio[WavFile.HeaderSize..];
        }

        if (audio.Length > rate * 2 * 60)
        {
            await RestErrorAsync(context, 400, taskId, 40000003, "Gateway:PARAMETER_INVALID:Audio duration is too long, it must be less than 60 seconds!");
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["task_id"] = taskId, ["result"] = FakeSpeech.Transcribe(audio, UnknownSpeechText), ["status"] = 20000000, ["message"] = "SUCCESS",
        });
    }

    // ---- REST TTS ---------------------------------------------------------------------------------------------

    private async Task TtsAsync(HttpContext context)
    {
        var taskId = Guid.NewGuid().ToString("N");
        context.Response.Headers["X-NLS-RequestId"] = taskId;
        JsonObject parameters;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            try
            {
                parameters = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? throw new JsonException();
            }
            catch (JsonException)
            {
                await RestErrorAsync(context, 400, taskId, 40000000, "Gateway:CLIENT_ERROR:in post data, json format illegal");
                return;
            }
        }
        else
        {
            parameters = [];
            foreach (var (key, value) in context.Request.Query)
            {
                parameters[key] = value.ToString();
            }
        }

        string Text(string name) => parameters[name] is JsonValue v ? v.ToString() : "";
        int Number(string name, int fallback) => parameters[name] is JsonValue v && int.TryParse(v.ToString(), out var n) ? n : fallback;

        if (TtsFaults.TryDequeue(out var fault))
        {
            if (fault.Drop)
            {
                context.Abort();
                return;
            }

            await RestErrorAsync(context, fault.HttpStatus ?? 500, taskId, fault.Status ?? 50000000, fault.StatusText);
            return;
        }

        var token = Text("token");
        if (CheckToken(token.Length > 0 ? token : context.Request.Headers["X-NLS-Token"].ToString()) is { } denied)
        {
            await RestErrorAsync(context, 403, taskId, 40000001, denied);
            return;
        }

        if (!IsAppKey(Text("appkey")))
        {
            await RestErrorAsync(context, 400, taskId, 40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!");
            return;
        }

        var text = Text("text");
        if (text.Length == 0)
        {
            await RestErrorAsync(context, 400, taskId, 40010003, "Gateway:DIRECTIVE_INVALID:No text specified!");
            return;
        }

        var voice = Text("voice") is { Length: > 0 } v ? v : "xiaoyun";
        if (!Voices.Contains(voice))
        {
            await RestErrorAsync(context, 400, taskId, 40000001, "Gateway:ACCESS_DENIED:No privilege to this voice!");
            return;
        }

        var format = Text("format") is { Length: > 0 } f ? f : "pcm";
        var rate = Number("sample_rate", 16000);
        if (format is not ("pcm" or "wav") || rate is not (8000 or 16000 or 24000 or 48000))
        {
            await RestErrorAsync(context, 400, taskId, 40000003, "Gateway:PARAMETER_INVALID:format/sample_rate (the fake renders pcm and wav)");
            return;
        }

        var truncated = text.Length > MaxTtsCharacters;
        text = truncated ? text[..MaxTtsCharacters] : text;
        TtsCalls.Enqueue(new TtsCall(text, voice, format, rate, truncated));

        var pcm = Render(text, rate);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "audio/mpeg"; // what the service sends whatever the format (the doc's samples test for it)
        var audio = format == "wav" ? WavFile.Create(MemoryMarshal.Cast<byte, short>(pcm), rate) : pcm;

        // Streamed in pieces (chunked transfer), as the service does so playback can start early.
        for (var offset = 0; offset < audio.Length; offset += 8_192)
        {
            await context.Response.Body.WriteAsync(audio.AsMemory(offset, Math.Min(8_192, audio.Length - offset)));
            await context.Response.Body.FlushAsync();
        }
    }

    /// <summary>120 ms of tone and 30 ms of silence per character; 150 ms of silence per punctuation mark.</summary>
    public static byte[] Render(string text, int rate)
    {
        var samples = new List<short>();
        foreach (var c in text)
        {
            var tone = char.IsPunctuation(c) || char.IsWhiteSpace(c) ? 0 : rate * 120 / 1000;
            for (var i = 0; i < tone; i++)
            {
                samples.Add((short)(10_000 * Math.Sin(2 * Math.PI * 220 * i / rate)));
            }

            samples.AddRange(new short[(rate * 150 / 1000) - tone]);
        }

        var bytes = new byte[samples.Count * 2];
        for (var i = 0; i < samples.Count; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    private static async Task RestErrorAsync(HttpContext context, int httpStatus, string taskId, int status, string message)
    {
        context.Response.StatusCode = httpStatus;
        await context.Response.WriteAsJsonAsync(new JsonObject { ["task_id"] = taskId, ["result"] = "", ["status"] = status, ["message"] = message });
    }
}
