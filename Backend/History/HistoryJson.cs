using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RoleplayHub.Core;

namespace RoleplayHub.History;

/// <summary>
/// The history's JSON (the write-ahead log's records, the stored coaching reports), serialized by code System.Text.Json
/// generates at build time: every turn is written to the log as it completes, and the generated writers need no
/// per-call stack of frames for nested objects, which the metadata path allocates each time. Web defaults (camelCase),
/// as the records and the reports were always written.
/// </summary>
/// <remarks>Writers pass this context's own type information (<c>HistoryJson.Default.JournalEntry</c>):
/// System.Text.Json uses the generated writers only with the options they were generated for, and through
/// <see cref="Web"/>, whose resolver is combined with reflection, it takes the metadata path. The output is the same.</remarks>
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
