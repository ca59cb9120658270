using Microsoft.Diagnostics.Runtime;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// The server's old objects that point at younger ones, read from outside the process halfway through the hold: the
/// cards a young collection must scan. Every reference from an older generation to a younger one keeps its 256-byte
/// card of the card table marked, and each young collection visits every marked card (to mark what it points at,
/// then again to update the pointers after copying). So the pause has a part that follows the number of old objects
/// written with young references, however little they keep alive (docs/benchmarks.md, "What a young collection
/// scans"). Counted by the type and field that hold the reference: those are what a change can stop writing.
/// <para>Counts references into generation 0 from either older generation, and from generation 2 into generation 1
/// (a card stays marked for those until the next gen1 collection promotes the target). Reachable or not: a dead old
/// object's marked card is scanned all the same. Suspends the server for a few seconds.</para>
/// </summary>
internal sealed class CardCensus
{
    /// <summary>The card table's granularity on 64-bit .NET: 2 × 4 KB pages / 32 bits of a card word.</summary>
    private const ulong CardBytes = 256;

    private readonly HashSet<ulong> _toGen0 = [];
    private readonly HashSet<ulong> _toGen1 = [];
    private readonly Dictionary<string, HashSet<ulong>> _cardsByHolder = [];
    private readonly Dictionary<ulong, SortedSet<string>> _holdersByCard = [];
    private readonly Dictionary<string, long> _references = [];

    public static CardCensus Take(int pid)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = HeapCensus.CreateRuntime(target);
        var census = new CardCensus();
        var heap = runtime.Heap;
        foreach (var segment in heap.Segments)
        {
            foreach (var obj in segment.EnumerateObjects())
            {
                if (obj.IsValid && !obj.IsFree && obj.Type is { ContainsPointers: true } && Age(segment.GetGeneration(obj.Address)) is > 0 and var generation)
                {
                    census.Count(heap, obj, generation);
                }
            }
        }

        return census;
    }

    /// <summary>0 and 1 for the young generations, 2 for every older heap (generation 2, large, pinned, frozen); -1 for an
    /// address outside the heap.</summary>
    private static int Age(Generation generation) => generation switch
    {
        Generation.Generation0 => 0,
        Generation.Generation1 => 1,
        Generation.Unknown => -1,
        _ => 2,
    };

    private static int AgeOf(ClrHeap heap, ulong address) =>
        heap.GetSegmentByAddress(address) is { } segment ? Age(segment.GetGeneration(address)) : -1;

    private void Count(ClrHeap heap, ClrObject obj, int generation)
    {
        // Most old objects point at nothing young: find those first by address, then name the fields of the few that do.
        var younger = false;
        foreach (var address in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: false))
        {
            younger |= Younger(generation, AgeOf(heap, address));
        }

        if (!younger)
        {
            return;
        }

        var holder = $"gen{generation} `{Shorten(obj.Type!.Name)}`";
        foreach (var reference in obj.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: false))
        {
            var targetGeneration = AgeOf(heap, reference.Object.Address);
            if (!Younger(generation, targetGeneration))
            {
                continue;
            }

            // The card of the slot, not of the object: a large array's slots lie on cards of their own.
            var card = (obj.Address + (ulong)reference.Offset + (ulong)IntPtr.Size) / CardBytes;
            (targetGeneration == 0 ? _toGen0 : _toGen1).Add(card);
            if (!_cardsByHolder.TryGetValue(holder, out var cards))
            {
                _cardsByHolder[holder] = cards = [];
            }

            cards.Add(card);
            if (!_holdersByCard.TryGetValue(card, out var holders))
            {
                _holdersByCard[card] = holders = new(StringComparer.Ordinal);
            }

            holders.Add(holder);
            var field = reference.Field?.Name ?? (reference.IsArrayElement ? "[]" : "?");
            var key = $"{holder} `.{field}` → gen{targetGeneration} `{Shorten(reference.Object.Type?.Name)}`";
            _references[key] = _references.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>A reference a young collection scans: into generation 0 from an older one, or from generation 2 (or the
    /// large and pinned heaps) into generation 1.</summary>
    private static bool Younger(int holder, int target) => target == 0 || (target == 1 && holder >= 2);

    public string Report(int sessions, int top = 25)
    {
        var all = new HashSet<ulong>(_toGen0);
        all.UnionWith(_toGen1);
        var lines = new List<string>
        {
            $"card census: {all.Count:N0} marked cards ({all.Count / (double)sessions:0.0} per session, {sessions} live): {_toGen0.Count:N0} with a reference into generation 0, {_toGen1.Count:N0} from generation 2 into generation 1",
            "",
            "| holder | cards | per session |",
            "|---|---:|---:|",
        };
        lines.AddRange(_cardsByHolder.OrderByDescending(h => h.Value.Count).Take(top)
            .Select(h => $"| {h.Key} | {h.Value.Count:N0} | {h.Value.Count / (double)sessions:0.00} |"));
        lines.Add("");
        lines.Add("| the holders on one card (objects made together share cards) | cards | per session |");
        lines.Add("|---|---:|---:|");
        lines.AddRange(_holdersByCard.Values.GroupBy(h => string.Join(" + ", h)).OrderByDescending(g => g.Count()).Take(top)
            .Select(g => $"| {g.Key} | {g.Count():N0} | {g.Count() / (double)sessions:0.00} |"));
        lines.Add("");
        lines.Add("| reference (holder, field, target) | count | per session |");
        lines.Add("|---|---:|---:|");
        lines.AddRange(_references.OrderByDescending(r => r.Value).Take(top)
            .Select(r => $"| {r.Key} | {r.Value:N0} | {r.Value / (double)sessions:0.00} |"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Shorten(string? type)
    {
        type = (type ?? "?").Replace("System.Collections.Generic.", "", StringComparison.Ordinal)
            .Replace("System.Runtime.CompilerServices.", "", StringComparison.Ordinal)
            .Replace("System.Threading.Tasks.", "", StringComparison.Ordinal)
            .Replace("RoleplayHub.", "", StringComparison.Ordinal)
            .Replace('|', '/');
        return type.Length <= 100 ? type : type[..97] + "...";
    }
}
