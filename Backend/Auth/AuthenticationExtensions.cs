using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using RoleplayHub.Auth;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuthenticationExtensions
{
    /// <summary>JWT bearer authentication (HS256 key or OIDC authority), the trainee and admin policies, and the
    /// <c>sub</c>-based SignalR user id. Browsers cannot put headers on a WebSocket or an EventSource, so the token
    /// is also read from <c>?access_token=</c> — on the paths that ask for it only (<see cref="AllowQueryStringToken(IServiceCollection, PathString)"/>). The trainee policy is also the fallback.</summary>
    public static IHostApplicationBuilder AddRoleplayAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, ValidateAuthOptions>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, IHostEnvironment>((jwt, auth, environment) => Configure(jwt, auth.Value, environment));

        // Roles are read through the identity's role claim type (Auth:RoleClaim), so RequireRole works for "role"
        // as well as for providers that issue "roles".
        var adminRole = builder.Configuration[$"{AuthOptions.Section}:AdminRole"] ?? new AuthOptions().AdminRole;
        var trainee = new AuthorizationPolicyBuilder().RequireSubject().Build();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Trainee, trainee)
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireSubject().RequireRole(adminRole))
            // Deny by default: an endpoint that names no policy needs a signed-in user all the same. Anonymous endpoints
            // say so (AllowAnonymous); the pages' static files are served before authorization (Program.cs).
            .SetFallbackPolicy(trainee);
        return builder;
    }

    /// <summary>
    /// Authentication and authorization. A request that matches no endpoint (and was not one of the pages' static
    /// files, served before this) is a 404 at once, signed in or not: there is nothing behind it to protect, and the
    /// fallback policy would otherwise answer anonymous callers 401 where signed-in ones get 404.
    /// </summary>
    public static IApplicationBuilder UseRoleplayAuthorization(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Accepts the bearer token as <c>?access_token=</c> on <paramref name="path"/> and below (for browsers'
    /// WebSockets and EventSources); nowhere else.</summary>
    public static IServiceCollection AllowQueryStringToken(this IServiceCollection services, PathString path)
    {
        services.Configure<QueryStringTokenPaths>(paths => paths.Add(path));
        return services;
    }

    /// <summary>Accepts the bearer token as <c>?access_token=</c> on the paths <paramref name="matches"/> accepts (a
    /// route with a parameter, such as one session's event stream); nowhere else.</summary>
    public static IServiceCollection AllowQueryStringToken(this IServiceCollection services, Func<PathString, bool> matches)
    {
        services.Configure<QueryStringTokenPaths>(paths => paths.Add(matches));
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth, IHostEnvironment environment)
    {
        // Why a token failed (expired, bad signature, wrong issuer…) helps whoever is forging one: WWW-Authenticate
        // says it in Development only. The handler logs it in every environment (category
        // Microsoft.AspNetCore.Authentication, Information).
        jwt.IncludeErrorDetails = environment.IsDevelopment();

        // The raw token is not needed after validation; saving it would keep a copy alive for every connection.
        jwt.SaveToken = false;

        // Keep claim names as issued ("sub", "role") instead of the legacy WS-* URIs. The default handler
        // (JsonWebTokenHandler) also sets the ticket's expiry, which CloseOnAuthenticationExpiration reads.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = auth.ClockSkew,
            NameClaimType = AuthPolicies.SubjectClaim,
            RoleClaimType = auth.RoleClaim,
        };

        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        }
        else
        {
            jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey!));
            jwt.TokenValidationParameters.ValidateIssuerSigningKey = true;
            // Only what TokenIssuer signs: HS384/HS512 with the same secret are not a second way in.
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                var token = context.Request.Query["access_token"];
                var paths = context.HttpContext.RequestServices.GetRequiredService<IOptions<QueryStringTokenPaths>>().Value;
                if (!string.IsNullOrEmpty(token) && paths.Allows(context.HttpContext.Request.Path))
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                // Sessions and history are owned by sub: a token that names nobody (no sub, or "") would otherwise
                // be a user whose id is empty. It does not authenticate at all.
                if (AuthPolicies.SubjectOf(context.Principal) is null)
                {
                    context.Fail("The token has no subject (sub).");
                    return Task.CompletedTask;
                }

                context.Principal = ClaimsOnly(context.Principal!);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The validated principal with its claims and nothing else. A WebSocket's request (the hub's, the audio socket's)
    /// keeps its authentication result for as long as the connection lives, and the token handler's identity holds
    /// the parsed token with a second list of the same claims: per connection, objects the collector would copy into
    /// its oldest generation and keep for hours. Nothing reads the token after validation (<c>SaveToken</c> is off too).
    /// </summary>
    private static ClaimsPrincipal ClaimsOnly(ClaimsPrincipal validated) =>
        validated.Identity is ClaimsIdentity identity
            ? new ClaimsPrincipal(new ClaimsIdentity(identity.Claims, identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType))
            : validated;
}
