namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>
/// Who holds PocketSphinx's decoders (<c>MaxDecoders</c> in all, <c>MaxDecodersPerUser</c> per user). A decoder is
/// large and scarce, so it is lent, not owned: a session that has been quiet for <c>IdleRelease</c> gives its decoder
/// back as soon as someone else needs one, and takes one again (loading the model anew) when its audio resumes.
/// A user at their own cap reuses their own quiet decoder first, however briefly it has been quiet.
/// <para>Invariant: a recogniser is in <see cref="_holders"/> exactly while it may hold a native decoder; only a
/// recogniser between utterances and not decoding can be evicted (<see cref="PocketSphinxRecognizer.TryEvict"/>).</para>
/// </summary>
internal sealed class DecoderSlots(PocketSphinxOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<PocketSphinxRecognizer> _holders = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _holders.Count;
            }
        }
    }

    /// <summary>A slot for <paramref name="recognizer"/> (true at once if it holds one), evicting a quiet holder when
    /// the pool or the user's share is full; false when every decoder is busy.</summary>
    public bool TryTake(PocketSphinxRecognizer recognizer)
    {
        lock (_gate)
        {
            if (_holders.Contains(recognizer))
            {
                return true;
            }

            var mine = _holders.Count(h => h.UserId == recognizer.UserId);
            var taken = mine >= options.MaxDecodersPerUser
                ? EvictQuietest(h => h.UserId == recognizer.UserId, TimeSpan.Zero)
                : _holders.Count < options.MaxDecoders || EvictQuietest(static _ => true, options.IdleRelease);
            if (taken)
            {
                _holders.Add(recognizer);
            }

            return taken;
        }
    }

    public void Release(PocketSphinxRecognizer recognizer)
    {
        lock (_gate)
        {
            _holders.Remove(recognizer);
        }
    }

    private bool EvictQuietest(Func<PocketSphinxRecognizer, bool> among, TimeSpan quietFor)
    {
        var now = time.GetTimestamp();
        foreach (var holder in _holders.Where(among).OrderBy(h => h.LastUsed))
        {
            if (time.GetElapsedTime(holder.LastUsed, now) >= quietFor && holder.TryEvict())
            {
                _holders.Remove(holder);
                return true;
            }
        }

        return false;
    }
}
