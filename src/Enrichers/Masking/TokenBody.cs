namespace Enrichers.Masking;

/// <summary>The characters a token's body is made of, after its prefix.</summary>
internal enum TokenBody : byte
{
    /// <summary><c>A-Z a-z 0-9</c>.</summary>
    Alnum,

    /// <summary><c>A-Z a-z 0-9 _</c>.</summary>
    Word,

    /// <summary><c>A-Z a-z 0-9 _ -</c>.</summary>
    Base64Url,

    /// <summary>Base64url with dots between its parts (<c>SG.x.y</c>, <c>ya29.…</c>).</summary>
    Dotted,

    /// <summary><c>0-9 a-f A-F</c>.</summary>
    Hex,

    /// <summary>A URL path: base64url and <c>/</c> (webhook URLs).</summary>
    Path,

    /// <summary>What a modular-crypt password hash is written with: base64 (<c>. /</c> or <c>+ /</c>), <c>$</c>,
    /// <c>=</c>, <c>,</c>, <c>-</c>.</summary>
    Hash,
}
