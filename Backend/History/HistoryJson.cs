using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RoleplayHub.Core;

namespace RoleplayHub.History;

/// <summary>
/// The history's JSON (the write-ahead log's records, the stored coaching reports), serialized by code System.Text.Json
/// generates at build time: every turn is written to the log as it completes, and the generated writers need no
/// per-call stack of frames for nested objects, which the reflection path allocated each time. Web defaults (camelCase),
/// as the records and the reports were always written.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JournalEntry))]
[JsonSerializable(typeof(CoachingReport))]
[JsonSerializable(typeof(ReportScores))]
internal sealed partial class HistoryJson : JsonSerializerContext
{
    /// <summary>Web defaults with the generated serializers first, and reflection for anything else (the set-aside
    /// file's wrapper). One instance, so its metadata is built once.</summary>
    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver()),
    };
}
