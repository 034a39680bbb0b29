using Alba;
using Concert.Client;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Concert.Specs.Support;

/// <summary>
/// The Kiota client generated from the service's own OpenAPI document (tests/Concert.Client, ./concert client), with
/// Kiota's default middleware, over the spec host: a fan with a queue token, an operator with the admin key, or anyone.
/// </summary>
public static class GeneratedClients
{
    // Kiota sends an API key over https only; the spec host answers any scheme.
    private const string BaseUrl = "https://localhost";

    public static ConcertClient Anyone(IAlbaHost host) => Create(host, new AnonymousAuthenticationProvider());

    public static ConcertClient Fan(IAlbaHost host, string queueToken) => Create(host,
        new ApiKeyAuthenticationProvider(queueToken, "X-Queue-Token", ApiKeyAuthenticationProvider.KeyLocation.Header));

    public static ConcertClient Operator(IAlbaHost host) => Create(host,
        new ApiKeyAuthenticationProvider(SpecApp.AdminKey, "X-Admin-Key", ApiKeyAuthenticationProvider.KeyLocation.Header));

    /// <summary>Sends an Idempotency-Key and keeps the answer's headers in <paramref name="answer"/>.</summary>
    public static Action<RequestConfiguration<DefaultQueryParameters>> Keyed(string key, HeadersInspectionHandlerOption answer) =>
        request =>
        {
            request.Headers.Add("Idempotency-Key", key);
            request.Options.Add(answer);
        };

    public static HeadersInspectionHandlerOption AnswerHeaders() => new() { InspectResponseHeaders = true };

    public static string Header(this HeadersInspectionHandlerOption answer, string name) =>
        answer.ResponseHeaders.TryGetValue(name, out var values) ? string.Join(",", values) : "";

    private static ConcertClient Create(IAlbaHost host, IAuthenticationProvider authentication)
    {
        var http = KiotaClientFactory.Create(finalHandler: host.Server.CreateHandler());
        http.BaseAddress = new Uri(BaseUrl);
        return new ConcertClient(new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = BaseUrl });
    }
}
