using Concert.Api.Catalog;
using Concert.Api.Idempotency;
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
        var venueTime = VenueTime.From(configuration);
        services.AddSingleton(venueTime);
        services.AddSingleton((configuration.GetSection("Queue").Get<QueueOptions>() ?? new QueueOptions()).Validated());
        services.AddSingleton(configuration.GetSection("Holds").Get<HoldOptions>() ?? new HoldOptions());
        services.AddSingleton<ReservationIds>();
        services.AddSingleton(configuration.GetSection("Wallet").Get<WalletOptions>() ?? new WalletOptions());
        services.AddSingleton<PaymentIds>();
        services.AddHostedService<IdempotencyPurge>();
        services.AddSingleton(_ => new IdempotencyLocks(Postgres.ConnectionString(configuration)));
        services.AddSingleton<QueueTokens>();
        AddBackgroundSingleton<TokenIssuer>(services);
        AddBackgroundSingleton<LineView>(services);
        AddBackgroundSingleton<PresenceBook>(services);
        AddBackgroundSingleton<QueueAdmission>(services);

        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            Problems.Complete(context.ProblemDetails);
            if (context.ProblemDetails.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
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
                options.Connection(Postgres.ConnectionString(configuration));
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
        services.ConfigureMarten((provider, options) => options.Logger(provider.GetRequiredService<MartenCommandLog>()));
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
            options.OnException<JasperFx.ConcurrencyException>().RetryTimes(3);
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
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when Postgres.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
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
