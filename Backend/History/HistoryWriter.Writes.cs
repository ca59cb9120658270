namespace RoleplayHub.History;

/// <summary>The writer's database side: batches with retries and back-off, pending files, start-up recovery.</summary>
internal sealed partial class HistoryWriter
{
    /// <summary>Writes a batch, retrying while the database is unreachable. If the database works but refuses the
    /// batch, the records are written one by one and the refused one is set aside.</summary>
    private async Task WriteAsync(List<JournalEntry> batch, CancellationToken giveUp)
    {
        batch.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var idempotent = false;
        for (var attempt = 0; ; attempt++)
        {
            Exception error;
            try
            {
                await _store.WriteAsync(batch, idempotent, giveUp);
                _log.Done(batch);
                _metrics.Written.Add(batch.Count);
                if (_failure is not null)
                {
                    _failure = null;
                    _logger.LogInformation("History writes resumed");
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !giveUp.IsCancellationRequested)
            {
                error = ex;
            }

            idempotent = true; // the failed attempt may have committed: from now on skip what is already there
            var problem = HistoryStore.IsTransient(error) ? error.GetBaseException().Message : await _store.CheckAsync(giveUp);
            if (problem is null)
            {
                if (batch.Count == 1)
                {
                    Reject(batch[0], error);
                    return;
                }

                foreach (var entry in batch)
                {
                    await WriteAsync([entry], giveUp);
                }

                return;
            }

            if (_failure is null)
            {
                LogUnavailable(error, problem);
            }

            _failure = problem;
            await Task.Delay(Backoff(attempt), _time, giveUp);
        }
    }

    private void Reject(JournalEntry entry, Exception error)
    {
        try
        {
            _spill.Reject(entry, error.GetBaseException().Message);
            _log.Done([entry]);
            _metrics.Rejected.Add(1);
            LogRejected(error, entry.ToString(), _spill.Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _metrics.Lost.Add(1);
            _logger.LogCritical(error, "History: the database refused the {Entry} and {Folder} is not writable ({Reason}): {Record}",
                entry.ToString(), _spill.Folder, ex.Message, System.Text.Json.JsonSerializer.Serialize(entry));
        }
    }

    private async Task ReplayPendingAsync(CancellationToken giveUp)
    {
        List<JournalEntry> entries;
        List<string> files;
        try
        {
            (entries, files) = _spill.TakeAll();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "History: the pending files in {Folder} cannot be read; they stay there and are tried again later", _spill.Folder);
            return;
        }

        if (files.Count == 0)
        {
            return;
        }

        _logger.LogInformation("History: writing {Count} pending records from {Files} file(s) in {Folder}", entries.Count, files.Count, _spill.Folder);
        entries.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        foreach (var chunk in entries.Chunk(_options.BatchSize))
        {
            // Idempotent: a pending file may hold records written before the process stopped.
            await WriteIdempotentAsync([.. chunk], giveUp);
        }

        try
        {
            _spill.Delete(files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Harmless: writing them again is idempotent.
            _logger.LogWarning(ex, "History: written pending files in {Folder} could not be deleted", _spill.Folder);
        }
    }

    private async Task WriteIdempotentAsync(List<JournalEntry> entries, CancellationToken giveUp)
    {
        try
        {
            await _store.WriteAsync(entries, idempotent: true, giveUp);
            _metrics.Written.Add(entries.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !giveUp.IsCancellationRequested)
        {
            await WriteAsync(entries, giveUp);
        }
    }

    private async Task RecoverAsync(CancellationToken giveUp)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var recovered = await _store.RecoverAsync(_recoverNode, giveUp);
                if (recovered > 0)
                {
                    _logger.LogWarning("History: {Count} sessions of {Node} were left open by an unclean stop and are now ended with reason error", recovered, _recoverNode ?? "this database");
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !giveUp.IsCancellationRequested)
            {
                var problem = await _store.CheckAsync(giveUp) ?? ex.GetBaseException().Message;
                if (_failure is null)
                {
                    LogUnavailable(ex, problem);
                }

                _failure = problem;
                await Task.Delay(Backoff(attempt), _time, giveUp);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => TimeSpan.FromTicks(Math.Min(_options.MaxRetryDelay.Ticks, _options.RetryDelay.Ticks << Math.Min(attempt, 16)));
}
