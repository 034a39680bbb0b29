using Concert.Api.Catalog;
using Concert.Api.Idempotency;
using Concert.Api.Operations;
using Concert.Api.Queue;
using Concert.Api.Payments;
using Concert.Api.Reporting;
using Concert.Api.Reservations;
using Concert.Api.Wallet;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using JasperFx.Resources;
using Marten;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Scalar.AspNetCore;
using Wolverine.Marten;

namespace Concert.Api.Infrastructure;

public static class ConcertSetup
{
    public const string SchemaName = "concert";

    public static void AddConcert(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSingleton(TimeProvider.System);
        builder.AddRequestHeadLimits();
        builder.AddConcertTelemetry();

        // Wolverine logs a body it cannot read as an Error, with a stack trace, under the name of the request's type: a
        // client's mistake, answered 400 (and counted against RateLimits:MalformedPerMinute), not the service's error,
        // and a client could flood the log with it. Those categories are the request types alone.
        foreach (var requestBody in typeof(ConcertSetup).Assembly.GetTypes()
                     .Where(type => type.Name.EndsWith("Request", StringComparison.Ordinal)))
        {
            builder.Logging.AddFilter(requestBody.FullName, LogLevel.None);
        }
        var venueTime = VenueTime.From(configuration);
        services.AddSingleton(venueTime);
        services.AddSingleton((configuration.GetSection("Queue").Get<QueueOptions>() ?? new QueueOptions()).Validated());
        services.AddSingleton(configuration.GetSection("Holds").Get<HoldOptions>() ?? new HoldOptions());
        services.AddSingleton<ReservationIds>();
        services.AddConcertRateLimits(configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions());
        services.AddSingleton(configuration.GetSection("Wallet").Get<WalletOptions>() ?? new WalletOptions());
        services.AddSingleton<PaymentIds>();
        services.AddSingleton((configuration.GetSection("Refunds").Get<RefundOptions>() ?? new RefundOptions()).Validated());
        services.AddSingleton(_ => NpgsqlDataSource.Create(Postgres.ConnectionString(configuration)));
        services.AddHostedService<IdempotencyPurge>();
        services.AddHostedService<OverdueHoldSweep>();
        services.AddSingleton(_ => new IdempotencyLocks(Postgres.ConnectionString(configuration)));
        services.AddSingleton<QueueTokens>();
        services.AddSingleton<DrawnPlaces>();
        services.AddSingleton<ClientTokens>();
        AddBackgroundSingleton<TokenIssuer>(services);
        AddBackgroundSingleton<LineView>(services);
        AddBackgroundSingleton<PresenceBook>(services);
        AddBackgroundSingleton<QueueAdmission>(services);

        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            Problems.Complete(context.ProblemDetails);
            RateLimits.CountIfMalformed(context.HttpContext, context.ProblemDetails);
            context.HttpContext.RequestServices.GetRequiredService<ConcertMetrics>().CountProblem(context.HttpContext,
                context.ProblemDetails.Status ?? 500, context.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string : null);
            if (context.ProblemDetails.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.TryAdd(Microsoft.Net.Http.Headers.HeaderNames.RetryAfter, "1"); // unless the refusal said how long
            }
        });
        services.AddOpenApi(OpenApiDocs.Configure);
        services.AddHealthChecks().AddCheck<PostgresReadiness>("postgres", tags: ["ready"]);

        // Development (and the specs): handlers compiled at start-up and schema created on start.
        // Elsewhere: the checked-in generated handlers (Internal/Generated) and schema changes by db-apply.
        services.CritterStackDefaults(defaults =>
        {
            defaults.Development.GeneratedCodeMode = TypeLoadMode.Dynamic;
            defaults.Development.ResourceAutoCreate = AutoCreate.CreateOrUpdate;
            defaults.Production.GeneratedCodeMode = TypeLoadMode.Static;
            defaults.Production.ResourceAutoCreate = AutoCreate.None;
            defaults.Production.AssertAllPreGeneratedTypesExist = true;
        });

        var marten = services.AddMarten(options =>
            {
                options.DatabaseSchemaName = SchemaName;
                options.Events.StreamIdentity = StreamIdentity.AsString;
                options.Events.MetadataConfig.EnableAll();
                CatalogStore.Configure(options);
                QueueStore.Configure(options);
                ReservationStore.Configure(options);
                WalletStore.Configure(options);
                ReportingStore.Configure(options, venueTime);
                Sequences.Add(options, PaymentIds.Sequence);
                options.Schema.For<IdempotencyRecord>().Duplicate(record => record.CreatedAt);
            })
            .UseLightweightSessions()
            // The async projections (reports) run on one node at a time, spread by Wolverine across the nodes.
            .IntegrateWithWolverine(integration => integration.UseWolverineManagedEventSubscriptionDistribution = true);
        services.AddSingleton<MartenCommandLog>();
        services.ConfigureMarten((provider, options) =>
        {
            // The pool is the service's own, so it can be replaced after a failure (Postgres.RecoverFrom).
            options.Connection(provider.GetRequiredService<NpgsqlDataSource>());
            options.Logger(provider.GetRequiredService<MartenCommandLog>());
            options.Listeners.Add(provider.GetRequiredService<CountCommittedEvents>());
        });
        if (configuration.GetValue<bool>("Demo:SeedConcert"))
        {
            marten.InitializeWith<DemoConcert>();
        }

        if (builder.Environment.IsDevelopment())
        {
            services.AddResourceSetupOnStartup();
        }

        builder.Host.UseWolverine(options =>
        {
            options.ApplicationAssembly = typeof(Program).Assembly;
            options.UseRuntimeCompilation();
            options.Policies.AutoApplyTransactions();
            options.Policies.UseDurableLocalQueues();

            // Hold expiries are durable scheduled messages; the default polling (5 s, 100 at a time) drains ~20 a second.
            options.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(500);
            options.Durability.RecoveryBatchSize = 1000;

            // A node that dies without stopping (kill -9) is found stale after StaleNodeTimeout and its agents (the
            // report projections it ran) move to a live node; with the default ticks reports stood still for over a
            // minute. Faster reassignment and assignment checks as well cost the writes measurably and bought
            // nothing the fault suite could see (bench/README.md).
            options.Durability.HealthCheckPollingTime = TimeSpan.FromSeconds(2);
            options.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(6);

            // Durable work (a hold's expiry) never dead-letters on a failure that passes (a restart or failover of the
            // database, a dropped connection, a write conflict): tried again at once, then rescheduled for minutes.
            // Only what still fails after that is a dead letter, which GET /admin/dead-letters and the readiness
            // check show; the overdue-hold sweep records any expiry that was lost all the same.
            options.OnException(Postgres.IsPassing, "a failure that passes")
                .RetryWithCooldown(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1))
                .Then.ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        });
        services.AddWolverineHttp();
    }

    /// <summary>A service that endpoints call and that also runs in the background, as one instance.</summary>
    private static void AddBackgroundSingleton<T>(IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(provider => provider.GetRequiredService<T>());
    }

    public static void UseConcert(this WebApplication app)
    {
        // Never a stack trace: failures become problem+json; bodiless 4xx (unknown route, wrong method) too.
        var database = app.Services.GetRequiredService<NpgsqlDataSource>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception =>
            {
                Postgres.RecoverFrom(exception, database); // raw SQL's failures too, which Marten's log does not see
                return exception switch
                {
                    BadHttpRequestException bad => bad.StatusCode,
                    _ when Postgres.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status500InternalServerError,
                };
            },
            // A client's mistake (a body that is not what it says) is not the service's error: no stack trace, no
            // error log a client could flood; it shows at Debug.
            SuppressDiagnosticsCallback = handled =>
            {
                if (handled.Exception is not BadHttpRequestException bad) return false;
                app.Logger.LogDebug("Bad request {Method} {Path}: {Reason}", handled.HttpContext.Request.Method,
                    handled.HttpContext.Request.Path, bad.Message);
                return true;
            },
        });
        app.UseStatusCodePages();
        app.UseRequestHeadLimits();
        // The fan's pages and the operator's console (wwwroot, docs/pages.md): plain files that call the API like any
        // client, outside its rules. Their scripts come from this origin only.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                file.Context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
                file.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
        app.MapConcertMetrics();
        app.UseKnownProxies(app.Configuration);
        app.UseConcertRateLimits();
        app.UseAdminKey(app.Configuration["Admin:ApiKey"]);
        app.UseIdempotencyKeys();
        app.UseQueueGate();
        app.UseDecidingAgainOnWriteConflicts();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        app.MapWolverineEndpoints(options =>
        {
            options.RejectUnparseableQueryValues = true;
            options.MapConcurrencyFailuresToConflict(WriteConflicts.AnswersConflictsAtOnce);
            options.AddParameterHandlingStrategy<AdmittedFanParameter>();
            options.AddPolicy<RecordOutcomePolicy>();
        });
    }
}
