using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Realtime;

/// <summary>Checks every profile at start-up and reports all problems at once, each naming the key to fix.</summary>
public sealed class ValidateRealtimeOptions : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions o)
    {
        var errors = new List<string>();
        foreach (var (profile, p) in o.Profiles)
        {
            var key = $"{RealtimeOptions.Section}:Profiles:{profile}";
            if (!RealtimeVendors.IsKnown(p.Vendor))
            {
                errors.Add($"{key}:Vendor '{p.Vendor}' is unknown; use one of {string.Join(", ", RealtimeVendors.All)}.");
                continue;
            }

            var azure = string.Equals(p.Vendor, RealtimeVendors.Azure, StringComparison.OrdinalIgnoreCase);
            if (string.IsNullOrWhiteSpace(p.Model) && !(azure && !string.IsNullOrWhiteSpace(p.Deployment)))
            {
                errors.Add(azure ? $"{key}:Deployment (or Model) is required: the Azure deployment name." : $"{key}:Model is required.");
            }

            if (string.IsNullOrWhiteSpace(p.ApiKey))
            {
                errors.Add($"{key}:ApiKey is required.");
            }

            if (azure && string.IsNullOrWhiteSpace(p.TranscriptionModel))
            {
                // Azure has no default transcription model (it takes a deployment name): without one the user's words
                // never come back, and the transcript and history would be empty.
                errors.Add($"{key}:TranscriptionModel is required for azure: the deployment name of a transcription model (e.g. gpt-4o-mini-transcribe).");
            }

            if (azure && p.Endpoint is null)
            {
                errors.Add($"{key}:Endpoint is required for azure: the resource, e.g. https://my-resource.openai.azure.com.");
            }

            if (p.SpeechDetection is not (null or RealtimeSpeechDetection.Vendor or RealtimeSpeechDetection.Server))
            {
                errors.Add($"{key}:SpeechDetection '{p.SpeechDetection}' is unknown; use {RealtimeSpeechDetection.Vendor} or {RealtimeSpeechDetection.Server}.");
            }

            if (p.Endpoint is { IsAbsoluteUri: false } || p.Endpoint is { Scheme: not ("ws" or "wss" or "http" or "https") })
            {
                errors.Add($"{key}:Endpoint must be an absolute ws, wss, http or https URL.");
            }
        }

        if (o.ConnectTimeout <= TimeSpan.Zero || o.ConfigureTimeout <= TimeSpan.Zero || o.FinishTimeout <= TimeSpan.Zero)
        {
            errors.Add("Realtime:ConnectTimeout, Realtime:ConfigureTimeout and Realtime:FinishTimeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
