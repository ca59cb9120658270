using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RoleplayHub.Http;

namespace Microsoft.Extensions.DependencyInjection;

public static class OpenApiExtensions
{
    public const string DocumentName = "v1";

    /// <summary>The OpenAPI document of the HTTP API (generated from the endpoints' typed results), with the JWT
    /// bearer scheme so the browser UI can call the secured endpoints.</summary>
    public static IHostApplicationBuilder AddRoleplayOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer<BearerSchemeTransformer>());
        return builder;
    }

    /// <summary>Development only: the document at <c>/openapi/v1.json</c> and Swagger UI at <c>/swagger</c>
    /// (Authorize with a token from <c>POST /dev/token</c>), both anonymous.</summary>
    public static WebApplication MapRoleplayOpenApi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return app;
        }

        app.MapOpenApi().AllowAnonymous();

        // Swagger UI is middleware. Run as the branch of an endpoint, it is in the endpoint table like every other
        // route (anonymous, explicitly) and carries its own Content-Security-Policy: it needs inline styles.
        var ui = ((IEndpointRouteBuilder)app).CreateApplicationBuilder();
        ui.Use((context, next) =>
        {
            context.SetEndpoint(null); // static file middleware serves only requests that matched no endpoint
            return next(context);
        });
        ui.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/openapi/{DocumentName}.json", "RoleplayHub");
            options.RoutePrefix = "swagger";
        });
        app.Map("/swagger/{**path}", ui.Build()).AllowAnonymous().ExcludeFromDescription().WithMetadata(ContentSecurityPolicy.SwaggerUi);
        return app;
    }

    private sealed class BearerSchemeTransformer : IOpenApiDocumentTransformer
    {
        private const string Scheme = "Bearer";

        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT whose sub is the user id; the admin endpoints need the admin role.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] });
            return Task.CompletedTask;
        }
    }
}
