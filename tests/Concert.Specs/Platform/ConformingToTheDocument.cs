using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Concert.Api.Reservations;
using Concert.Specs.Support;
using Json.Schema;
using Marten.Events;

namespace Concert.Specs.Platform;

/// <summary>
/// The OpenAPI document walked against the service: every operation is sent good requests and bad ones (no or wrong
/// credentials, bad path and query values, broken bodies, members of the wrong type or out of range, missing or reused
/// Idempotency-Keys), and every answer must be one the operation declares, in its declared media type, with its
/// declared headers, and a body that validates against its declared schema (formats included).
/// </summary>
[Collection(DocumentAppCollection.Name)]
public sealed class ConformingToTheDocument(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task every_answer_to_good_and_bad_requests_is_declared_and_matches_its_schema()
    {
        var document = JsonNode.Parse(await Host.Server.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = new DeclaredSchemas(document);
        var violations = new List<string>();
        var answeredWithSuccess = new HashSet<string>();
        var operations = Operations(document).ToList();
        await AnOpeningIsDrawn();

        foreach (var operation in operations)
        {
            var world = await NewWorld();
            foreach (var request in Matrix(operation, world))
            {
                var answer = await SendAsync(request);
                violations.AddRange(Check(operation, request, answer, schemas).Select(v => $"{operation.Name} [{request.Case}]: {v}"));
                if (answer.Status is >= 200 and < 300) answeredWithSuccess.Add(operation.Name);
            }

            if (operation.Name == "PATCH /admin/queue") await RestoreTheLine();
        }

        violations.ShouldBeEmpty();
        operations.Select(operation => operation.Name).Except(answeredWithSuccess).ShouldBeEmpty(); // the good requests are good
        operations.Count.ShouldBeGreaterThanOrEqualTo(23);
    }

    [Fact]
    public async Task the_document_is_valid_openapi_3_1_and_every_schema_in_it_valid_json_schema_2020_12()
    {
        var text = await Host.Server.CreateClient().GetStringAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(text).RootElement;
        var strict = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        var openApi = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Platform", "OpenApi", "oas-3.1-schema.json"),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        Problems(openApi.Evaluate(document, strict)).ShouldBeEmpty();
        var schemaObjects = SchemaObjects(JsonNode.Parse(text)!, "").ToList();
        schemaObjects.Count.ShouldBeGreaterThan(50);
        foreach (var (pointer, schema) in schemaObjects)
        {
            Problems(MetaSchemas.Draft202012.Evaluate(JsonSerializer.SerializeToElement(schema), strict))
                .Select(problem => $"{pointer}: {problem}").ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task every_example_in_the_document_is_valid_against_its_own_schema()
    {
        var document = JsonNode.Parse(await Host.Server.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = new DeclaredSchemas(document);
        var checkedExamples = 0;
        var violations = new List<string>();

        foreach (var (pointer, schema) in SchemaObjects(document, ""))
        {
            foreach (var (where, node) in SchemasWithin(schema, pointer))
            {
                foreach (var example in node["examples"]?.AsArray() ?? [])
                {
                    checkedExamples++;
                    violations.AddRange(Problems(schemas.Of(node).Evaluate(JsonSerializer.SerializeToElement(example), Strict))
                        .Select(problem => $"{where}: {example!.ToJsonString()}: {problem}"));
                }
            }
        }

        foreach (var (pointer, media) in Media(document, ""))
        {
            foreach (var (name, example) in media["examples"]?.AsObject() ?? [])
            {
                checkedExamples++;
                violations.AddRange(Problems(schemas.Of(media["schema"]!).Evaluate(JsonSerializer.SerializeToElement(example!["value"]), Strict))
                    .Select(problem => $"{pointer} example {name}: {problem}"));
            }
        }

        violations.ShouldBeEmpty();
        checkedExamples.ShouldBeGreaterThan(100);
    }

    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>A schema and the schemas nested in it (properties, items, additional properties).</summary>
    private static IEnumerable<(string Pointer, JsonObject Schema)> SchemasWithin(JsonNode schema, string pointer)
    {
        if (schema is not JsonObject node) yield break;
        yield return (pointer, node);
        foreach (var (name, property) in node["properties"]?.AsObject() ?? [])
        {
            foreach (var found in SchemasWithin(property!, $"{pointer}/properties/{name}")) yield return found;
        }

        foreach (var keyword in new[] { "items", "additionalProperties" })
        {
            if (node[keyword] is { } nested) foreach (var found in SchemasWithin(nested, $"{pointer}/{keyword}")) yield return found;
        }
    }

    /// <summary>Every media type object of the document (request bodies and answers) that has a schema.</summary>
    private static IEnumerable<(string Pointer, JsonObject Media)> Media(JsonNode node, string pointer)
    {
        if (node is not JsonObject objectNode) yield break;
        if (pointer.EndsWith("/content", StringComparison.Ordinal))
        {
            foreach (var (type, media) in objectNode)
            {
                if (media?["schema"] is not null) yield return ($"{pointer}/{type}", media.AsObject());
            }

            yield break;
        }

        foreach (var (key, value) in objectNode)
        {
            if (value is not null) foreach (var found in Media(value, $"{pointer}/{key}")) yield return found;
        }
    }

    /// <summary>Every Schema Object of the document: the components' and each parameter's, body's and header's schema.</summary>
    private static IEnumerable<(string Pointer, JsonNode Schema)> SchemaObjects(JsonNode node, string pointer)
    {
        if (node is JsonObject objectNode)
        {
            foreach (var (key, value) in objectNode)
            {
                if (value is null) continue;
                if (key == "schema" || pointer == "/components/schemas") yield return ($"{pointer}/{key}", value);
                else foreach (var found in SchemaObjects(value, $"{pointer}/{key}")) yield return found;
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is { } item) foreach (var found in SchemaObjects(item, $"{pointer}/{i}")) yield return found;
            }
        }
    }

    private static IEnumerable<string> Problems(EvaluationResults results) =>
        results.IsValid ? [] : (results.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));

    private sealed record Operation(string Name, string Method, string Path, JsonObject Definition)
    {
        public string? Scheme => Definition["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).FirstOrDefault();

        public IEnumerable<JsonObject> Parameters(string location) =>
            Definition["parameters"]?.AsArray().Select(p => p!.AsObject()).Where(p => (string)p["in"]! == location) ?? [];

        public string? BodySchema => ((string?)Definition["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"])?.Split('/')[^1];

        public bool IsKeyed => Parameters("header").Any(p => (string)p["name"]! == "Idempotency-Key");
    }

    private sealed record World(long ConcertId, long ScheduleId, long ReservationId, long Price, Fan Fan, Guid OtherFan,
        long PaidReservationId);

    private sealed record Request(string Case, string Method, string Url, Dictionary<string, string> Headers, string? Body,
        string ContentType = "application/json");

    private sealed record Answer(int Status, string? MediaType, string Body, HttpResponseHeaders Headers);

    private static IEnumerable<Operation> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        where !path.Key.StartsWith("/specs/", StringComparison.Ordinal) // the specs' own endpoints, not the service's
        from operation in path.Value!.AsObject()
        select new Operation($"{operation.Key.ToUpperInvariant()} {path.Key}", operation.Key.ToUpperInvariant(), path.Key,
            operation.Value!.AsObject());

    /// <summary>
    /// A concert, an admitted fan with money, a seat on hold and a paid one (then back through the line, as the payment
    /// ended the token): what a good request of any operation names.
    /// </summary>
    private async Task<World> NewWorld()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-01T19:00:00");
        var payer = await Host.NewAdmittedFan();
        await Host.Grant(payer.UserId, 500_000);
        var paid = await (await Host.Hold(payer, concert, 39, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(payer, paid.ReservationId, paid.Price);
        var fan = await Host.Readmitted(payer);
        var hold = await (await Host.Hold(fan, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30)); // the reports have the hold
        return new World(concert.ConcertId, concert.Schedules[0].ScheduleId, hold.ReservationId, hold.Price, fan, Guid.NewGuid(),
            paid.ReservationId);
    }

    /// <summary>A sale opened at once and drawn by the admission job, so support has a draw to replay.</summary>
    private async Task AnOpeningIsDrawn()
    {
        await SendAsync(new Request("open", "PATCH", "/admin/queue", new() { ["X-Admin-Key"] = SpecApp.AdminKey },
            $$"""{"opensAt":"{{DateTimeOffset.UtcNow:O}}"}"""));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await SendAsync(new Request("draw", "GET", "/admin/support/queue/draw",
                   new() { ["X-Admin-Key"] = SpecApp.AdminKey }, null))).Status != 200)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the opening was never drawn");
            await Task.Delay(50);
        }
    }

    private async Task RestoreTheLine() =>
        await SendAsync(new Request("restore", "PATCH", "/admin/queue", new() { ["X-Admin-Key"] = SpecApp.AdminKey },
            """{"maxActive":100000,"paused":false}"""));

    private static IEnumerable<Request> Matrix(Operation operation, World world)
    {
        var path = new Dictionary<string, string>();
        foreach (var parameter in operation.Parameters("path"))
        {
            var name = (string)parameter["name"]!;
            path[name] = name == "reservationId" && operation.Path.EndsWith("/refund", StringComparison.Ordinal)
                ? world.PaidReservationId.ToString()
                : GoodPathValue(name, world);
        }

        var credentials = operation.Scheme switch
        {
            "AdminKey" => new Dictionary<string, string> { ["X-Admin-Key"] = SpecApp.AdminKey },
            "QueueToken" => new Dictionary<string, string> { ["X-Queue-Token"] = world.Fan.Token },
            _ => new Dictionary<string, string>(),
        };
        var body = operation.BodySchema is { } schema ? GoodBody(schema, world) : null;

        Request Make(string name, IReadOnlyDictionary<string, string>? pathValues = null, string query = "",
            Dictionary<string, string>? headers = null, string? content = null, bool keyed = true, string contentType = "application/json")
        {
            var url = (pathValues ?? path).Aggregate(operation.Path, (current, value) => current.Replace($"{{{value.Key}}}", Uri.EscapeDataString(value.Value)));
            var sent = new Dictionary<string, string>(headers ?? credentials);
            if (operation.IsKeyed && keyed) sent["Idempotency-Key"] = Guid.NewGuid().ToString();
            return new Request(name, operation.Method, url + query, sent, content ?? body?.ToJsonString(), contentType);
        }

        yield return Make("good");
        if (operation.Scheme is not null)
        {
            yield return Make("no credentials", headers: []);
            yield return Make("wrong credentials", headers: credentials.ToDictionary(h => h.Key, _ => "wrong"));
        }

        foreach (var (name, _) in path)
        {
            foreach (var bad in BadPathValues(name, world))
            {
                yield return Make($"path {name}={bad}", new Dictionary<string, string>(path) { [name] = bad });
            }
        }

        foreach (var parameter in operation.Parameters("query"))
        {
            foreach (var bad in new[] { "x", "-1", "0", "1", "101", "2147483648", "true", "2026-02-30", "2026-11-27", "2026-11-27T09:00:00Z", "2026-11-27T09:00:00" })
            {
                yield return Make($"query {parameter["name"]}={bad}", query: $"?{parameter["name"]}={Uri.EscapeDataString(bad)}");
            }
        }

        if (operation.IsKeyed)
        {
            yield return Make("no Idempotency-Key", keyed: false);
            yield return Make("Idempotency-Key too long", headers: new(credentials) { ["Idempotency-Key"] = new string('k', 65) }, keyed: false);
            var reused = new Dictionary<string, string>(credentials) { ["Idempotency-Key"] = "reused-" + Guid.NewGuid() };
            yield return Make("key first used", headers: reused, keyed: false);
            yield return Make("key reused with another body", headers: reused, keyed: false, content: """{"other":1}""");
        }

        if (body is null) yield break;
        foreach (var broken in new[] { "", "null", "{", "[]", "{}", "\"text\"", "{\"a\":", "1" })
        {
            yield return Make($"body {broken}", content: broken);
        }

        yield return Make("body as text/plain", contentType: "text/plain");
        foreach (var member in body.Select(m => m.Key).ToList())
        {
            yield return Make($"without {member}", content: Without(body, member).ToJsonString());
            foreach (var value in new JsonNode?[] { null, "x", -1, 0, 51, 1e30, true, new JsonObject(), new JsonArray(), "00000000-0000-0000-0000-000000000000" })
            {
                var changed = body.DeepClone().AsObject();
                changed[member] = value?.DeepClone();
                yield return Make($"{member}={value?.ToJsonString() ?? "null"}", content: changed.ToJsonString());
            }
        }
    }

    private static string GoodPathValue(string name, World world) => name switch
    {
        "concertId" => world.ConcertId.ToString(),
        "scheduleId" => world.ScheduleId.ToString(),
        "reservationId" => world.ReservationId.ToString(),
        "seatNumber" => "40",
        "userId" => world.Fan.UserId.ToString(),
        "token" => world.Fan.Token,
        _ => throw new InvalidOperationException($"no good value for the path parameter {name}"),
    };

    private static IEnumerable<string> BadPathValues(string name, World world) => name switch
    {
        "userId" => ["abc", "00000000-0000-0000-0000-000000000000", world.OtherFan.ToString(), "a1b2c3d4e5f67890abcdef0123456789x"],
        "token" => ["nope", "AAAA", new string('A', 60)],
        "seatNumber" => ["0", "51", "-1", "2147483648"],
        _ => ["0", "-1", "999999999", "9223372036854775807", "9223372036854775808"],
    };

    private static JsonObject GoodBody(string schema, World world) => schema switch
    {
        "AmountRequest" => new JsonObject { ["amount"] = 1_000 },
        "PaymentRequest" => new JsonObject { ["reservationId"] = world.ReservationId, ["amount"] = world.Price },
        "PlaceReservationRequest" => new JsonObject
        {
            ["userId"] = world.Fan.UserId.ToString(), ["concertId"] = world.ConcertId, ["scheduleId"] = world.ScheduleId, ["seatNumber"] = 41,
        },
        "IssueTokenRequest" => new JsonObject { ["userId"] = Guid.NewGuid().ToString() },
        "CreateConcertRequest" => new JsonObject
        {
            ["title"] = "Conformance",
            ["schedules"] = new JsonArray(new JsonObject { ["startAt"] = "2027-06-01T19:00:00", ["prices"] = new JsonObject { ["1"] = 150_000 } }),
        },
        "ChangeQueueRequest" => new JsonObject { ["maxActive"] = 100_000 },
        _ => throw new InvalidOperationException($"no good body for {schema}"),
    };

    private static JsonObject Without(JsonObject body, string member)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(member);
        return copy;
    }

    private async Task<Answer> SendAsync(Request request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        }

        using var response = await Host.Server.CreateClient().SendAsync(message);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private static IEnumerable<string> Check(Operation operation, Request request, Answer answer, DeclaredSchemas schemas)
    {
        var status = answer.Status.ToString();
        if (operation.Definition["responses"]![status] is not JsonObject declared)
        {
            yield return $"{status} is not declared ({Shorten(answer.Body)})";
            yield break;
        }

        foreach (var (header, definition) in declared["headers"]?.AsObject() ?? [])
        {
            if ((bool?)definition!["required"] == true && !answer.Headers.Contains(header)) yield return $"{status} lacks the header {header}";
        }

        var content = declared["content"]?.AsObject();
        if (content is null)
        {
            if (answer.Body.Length > 0) yield return $"{status} declares no body but has one";
            yield break;
        }

        if (answer.MediaType is null || !content.ContainsKey(answer.MediaType))
        {
            yield return $"{status} came as {answer.MediaType ?? "no content type"}, declared {string.Join(", ", content.Select(c => c.Key))}";
            yield break;
        }

        var result = schemas.Of(content[answer.MediaType]!["schema"]!).Evaluate(JsonDocument.Parse(answer.Body).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
            yield return $"{status} body does not match its schema: {string.Join("; ", errors)} ({Shorten(answer.Body)})";
        }
    }

    /// <summary>A declared schema as a JSON Schema of its own: the document's components become its $defs.</summary>
    private sealed class DeclaredSchemas(JsonObject document)
    {
        private readonly string _components = Local(document["components"]!["schemas"]!.ToJsonString());

        public JsonSchema Of(JsonNode declared) =>
            JsonSchema.FromText($$"""{"allOf":[{{Local(declared.ToJsonString())}}],"$defs":{{_components}}}""", new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        private static string Local(string json) => json.Replace("#/components/schemas/", "#/$defs/");
    }

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
