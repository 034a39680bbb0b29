using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Concert.Domain.Queue;
using JasperFx.Events;

namespace Concert.Api.Queue;

/// <summary>What a queue token says of itself once its signature is verified.</summary>
public readonly record struct TokenClaims(Guid UserId, long Seq);

/// <summary>What a node can tell of a token by itself.</summary>
public enum TokenReading
{
    /// <summary>Signed by a key this node holds: its claims are true.</summary>
    Verified,

    /// <summary>
    /// Shaped like a token but not one this node can verify: signed by a key it does not hold (rotated out, or not yet
    /// deployed here), or issued before tokens were signed. Only the database can tell: look it up.
    /// </summary>
    Unverifiable,

    /// <summary>Not a token: malformed, or altered (its signature does not match a key this node holds).</summary>
    Invalid,
}

/// <summary>
/// Queue tokens carry the fan and the place in line, signed with HMAC-SHA256 by a key of Queue:TokenKeys, so a node
/// tells an altered token from a real one, and a waiting fan's place, without asking the database. The first key signs;
/// every listed key verifies. A token a node cannot verify (another key, or one issued before tokens were signed) is
/// looked up in the database like any token used to be, so rotating keys or upgrading cuts nobody off. Unguessable:
/// 160 bits of signature.
/// </summary>
public sealed class QueueTokens
{
    // key id (1) | user id (16) | place (8) | signature (20): 45 bytes, 60 characters of base64url.
    private const int SignedLength = 25;
    private const int SignatureLength = 20;
    private const int ByteLength = SignedLength + SignatureLength;
    private static readonly int TokenLength = Base64Url.GetEncodedLength(ByteLength);

    /// <summary>Before tokens were signed: 144 random bits, 24 characters of base64url.</summary>
    private const int RandomTokenBytes = 18;

    private readonly Dictionary<byte, byte[]> _keys = [];
    private readonly byte _signingKey;

    /// <summary>What is wrong with Queue:TokenKeys, if anything; the service refuses to start then (see <see cref="TokenIssuer"/>).</summary>
    private readonly string? _unusable;

    public QueueTokens(QueueOptions options)
    {
        if (options.TokenKeys.Count == 0)
        {
            _unusable = "Queue:TokenKeys is empty: queue tokens need a signing key, the same on every node "
                        + "(Queue__TokenKeys__0__Id=1, Queue__TokenKeys__0__Secret=<32 random bytes or more, base64>).";
            return;
        }

        foreach (var key in options.TokenKeys)
        {
            var buffer = new byte[key.Secret.Length];
            var secret = Convert.TryFromBase64String(key.Secret, buffer, out var length) ? buffer[..length] : [];
            if (key.Id is < 0 or > 255 || length < 32 || !_keys.TryAdd((byte)key.Id, secret))
            {
                _unusable = $"Queue:TokenKeys: key {key.Id} needs an id from 0 to 255 that no other key has and a base64 secret of at least 32 bytes.";
                _keys.Clear();
                return;
            }
        }

        _signingKey = (byte)options.TokenKeys[0].Id;
    }

    /// <summary>Fails with what is wrong with Queue:TokenKeys. Checked when the service starts, not by commands that need no token.</summary>
    public void ThrowIfUnusable()
    {
        if (_unusable is not null) throw new InvalidOperationException(_unusable);
    }

    public string Sign(Guid userId, long seq)
    {
        ThrowIfUnusable();
        Span<byte> token = stackalloc byte[ByteLength];
        token[0] = _signingKey;
        userId.TryWriteBytes(token.Slice(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(token.Slice(17, 8), seq);
        Signature(_keys[_signingKey], token[..SignedLength], token[SignedLength..]);
        return Base64Url.EncodeToString(token);
    }

    public TokenReading Read(string token, out TokenClaims claims)
    {
        claims = default;
        Span<byte> bytes = stackalloc byte[ByteLength];
        if (token.Length != TokenLength || Base64Url.DecodeFromChars(token, bytes, out _, out var written) != OperationStatus.Done
            || written != ByteLength)
        {
            return IsRandomToken(token) ? TokenReading.Unverifiable : TokenReading.Invalid;
        }

        if (!_keys.TryGetValue(bytes[0], out var key)) return TokenReading.Unverifiable;
        Span<byte> expected = stackalloc byte[SignatureLength];
        Signature(key, bytes[..SignedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[SignedLength..])) return TokenReading.Invalid;

        claims = new TokenClaims(new Guid(bytes.Slice(1, 16), bigEndian: true), BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(17, 8)));
        return TokenReading.Verified;
    }

    /// <summary>The shape of a token, signed or from before tokens were signed, before any signature is checked.</summary>
    public static bool IsWellFormed(string? token) =>
        token is not null && (token.Length == TokenLength && Base64Url.IsValid(token, out var decodedLength) && decodedLength == ByteLength
                              || IsRandomToken(token));

    private static bool IsRandomToken(string token) =>
        token.Length == Base64Url.GetEncodedLength(RandomTokenBytes) && Base64Url.IsValid(token, out var decodedLength)
        && decodedLength == RandomTokenBytes;

    private static void Signature(byte[] key, ReadOnlySpan<byte> signed, Span<byte> signature)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, signed, full);
        full[..SignatureLength].CopyTo(signature);
    }

    /// <summary>
    /// Ends the fan's live token, as an event of the caller's session, so it commits with the caller's other events
    /// (a payment expires its payer's token in the payment's own transaction).
    /// </summary>
    public static void End(IEventStream<QueueTicket> ticket, DateTimeOffset now)
    {
        if (ticket.Aggregate is not null && WaitingLine.End(ticket.Aggregate, now) is { } ended)
        {
            ticket.AppendOne(ended);
        }
    }
}
