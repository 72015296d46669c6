#include "digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace Portal::Crypto {

namespace {

// Messages name the problem but never echo header content: it is attacker-controlled and
// may carry credentials.
Error digestError(const char *code, const char *message)
{
    return makeError(code, message);
}

bool isControl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t';
}

// RFC 7230 tchar.
bool isTokenChar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return true;
    }
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

char toLowerAscii(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string toLowerAscii(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return toLowerAscii(c); });
    return lower;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (toLowerAscii(a[i]) != toLowerAscii(b[i])) {
            return false;
        }
    }
    return true;
}

class Cursor
{
public:
    explicit Cursor(std::string_view text) : m_text(text) {}

    bool atEnd() const { return m_pos == m_text.size(); }
    char peek() const { return m_text[m_pos]; }
    void advance() { ++m_pos; }
    void skipWhitespace()
    {
        while (!atEnd() && isWhitespace(peek())) {
            ++m_pos;
        }
    }
    std::string_view readToken()
    {
        const size_t start = m_pos;
        while (!atEnd() && isTokenChar(static_cast<unsigned char>(peek()))) {
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }

private:
    std::string_view m_text;
    size_t m_pos = 0;
};

// Reads a quoted-string whose opening quote is under the cursor. CTLs were refused before
// parsing, so every remaining byte is qdtext or a quoted-pair.
Result<std::string> readQuotedString(Cursor &cursor)
{
    cursor.advance();
    std::string value;
    for (;;) {
        if (cursor.atEnd()) {
            return digestError("digest.malformed", "unterminated quoted-string");
        }
        char c = cursor.peek();
        cursor.advance();
        if (c == '"') {
            return value;
        }
        if (c == '\\') {
            if (cursor.atEnd()) {
                return digestError("digest.malformed", "escape at end of header");
            }
            c = cursor.peek();
            cursor.advance();
        }
        if (value.size() == kMaxDigestValueBytes) {
            return digestError("digest.value_too_large", "parameter value too long");
        }
        value.push_back(c);
    }
}

// RFC 7235 `Digest #auth-param`; returns the parameters with lowercased names.
Result<DigestParams> parseAuthParams(std::string_view headerValue)
{
    if (headerValue.size() > kMaxDigestHeaderBytes) {
        return digestError("digest.too_large", "Digest header too large");
    }
    if (std::any_of(headerValue.begin(), headerValue.end(),
                    [](char c) { return isControl(static_cast<unsigned char>(c)); })) {
        return digestError("digest.bad_char", "control character in Digest header");
    }
    Cursor cursor(headerValue);
    cursor.skipWhitespace();
    if (cursor.atEnd()) {
        return digestError("digest.empty", "empty authentication header");
    }
    const std::string_view scheme = cursor.readToken();
    if (scheme.empty()) {
        return digestError("digest.malformed", "missing authentication scheme");
    }
    if (!equalsIgnoringCase(scheme, "Digest")) {
        return digestError("digest.wrong_scheme", "authentication scheme is not Digest");
    }
    if (!cursor.atEnd() && !isWhitespace(cursor.peek())) {
        return digestError("digest.malformed", "scheme not followed by whitespace");
    }

    DigestParams params;
    for (;;) {
        cursor.skipWhitespace();
        if (cursor.atEnd()) {
            break;
        }
        if (cursor.peek() == ',') {
            cursor.advance();
            continue;
        }
        const std::string_view name = cursor.readToken();
        if (name.empty()) {
            return digestError("digest.malformed", "expected a parameter name");
        }
        cursor.skipWhitespace();
        if (cursor.atEnd() || cursor.peek() != '=') {
            return digestError("digest.malformed", "expected '=' after parameter name");
        }
        cursor.advance();
        cursor.skipWhitespace();
        std::string value;
        if (!cursor.atEnd() && cursor.peek() == '"') {
            auto quoted = readQuotedString(cursor);
            if (!quoted) {
                return quoted.error();
            }
            value = std::move(quoted).value();
        } else {
            const std::string_view token = cursor.readToken();
            if (token.empty()) {
                return digestError("digest.malformed", "expected a token or quoted-string");
            }
            if (token.size() > kMaxDigestValueBytes) {
                return digestError("digest.value_too_large", "parameter value too long");
            }
            value = std::string(token);
        }
        std::string lowerName = toLowerAscii(name);
        const bool duplicate = std::any_of(params.begin(), params.end(), [&](const auto &param) {
            return param.first == lowerName;
        });
        if (duplicate) {
            return digestError("digest.duplicate_param", "repeated Digest parameter");
        }
        if (params.size() == kMaxDigestParams) {
            return digestError("digest.too_many_params", "too many Digest parameters");
        }
        params.emplace_back(std::move(lowerName), std::move(value));

        cursor.skipWhitespace();
        if (cursor.atEnd()) {
            break;
        }
        if (cursor.peek() != ',') {
            return digestError("digest.malformed", "expected ',' between parameters");
        }
        cursor.advance();
    }
    return params;
}

Result<DigestAlgorithm> parseAlgorithm(std::string_view name)
{
    for (DigestAlgorithm algorithm :
         {DigestAlgorithm::MD5, DigestAlgorithm::SHA256, DigestAlgorithm::AKAv1_MD5}) {
        if (equalsIgnoringCase(name, digestAlgorithmName(algorithm))) {
            return algorithm;
        }
    }
    return digestError("digest.unsupported_algorithm", "unsupported Digest algorithm");
}

std::optional<DigestQop> parseQop(std::string_view name)
{
    if (equalsIgnoringCase(name, "auth")) {
        return DigestQop::Auth;
    }
    if (equalsIgnoringCase(name, "auth-int")) {
        return DigestQop::AuthInt;
    }
    return std::nullopt;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isWhitespace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isWhitespace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool isNonceCount(std::string_view nc)
{
    return nc.size() == 8 && std::all_of(nc.begin(), nc.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

// Quotes a value for a header; CTLs (CR/LF above all) would split or end the header.
Result<std::string> quoted(std::string_view value)
{
    std::string out;
    out.reserve(value.size() + 2);
    out.push_back('"');
    for (char c : value) {
        if (isControl(static_cast<unsigned char>(c))) {
            return digestError("digest.bad_char", "control character in a Digest value");
        }
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

class HeaderWriter
{
public:
    HeaderWriter() : m_text("Digest ") {}

    void addQuoted(std::string_view name, std::string_view value)
    {
        if (!m_error) {
            auto quotedValue = quoted(value);
            if (!quotedValue) {
                m_error = quotedValue.error();
                return;
            }
            addRaw(name, quotedValue.value());
        }
    }
    void addToken(std::string_view name, std::string_view value) { addRaw(name, value); }
    void addOther(const DigestParams &params)
    {
        for (const auto &[name, value] : params) {
            const bool nameIsToken =
                !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
                    return isTokenChar(static_cast<unsigned char>(c));
                });
            if (!nameIsToken) {
                m_error = digestError("digest.malformed", "parameter name is not a token");
                return;
            }
            addQuoted(name, value);
        }
    }
    Result<std::string> finish()
    {
        if (m_error) {
            return *m_error;
        }
        return m_text;
    }

private:
    void addRaw(std::string_view name, std::string_view value)
    {
        if (!m_first) {
            m_text += ", ";
        }
        m_first = false;
        m_text.append(name).append("=").append(value);
    }

    std::string m_text;
    bool m_first = true;
    std::optional<Error> m_error;
};

const EVP_MD *messageDigestFor(DigestAlgorithm algorithm)
{
    return algorithm == DigestAlgorithm::SHA256 ? EVP_sha256() : EVP_md5();
}

struct MdCtxDeleter
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};

// Incremental H(a:b:…) so binary passwords and bodies are hashed without joined copies.
class Hasher
{
public:
    explicit Hasher(DigestAlgorithm algorithm) : m_ctx(EVP_MD_CTX_new())
    {
        m_ok = m_ctx && EVP_DigestInit_ex(m_ctx.get(), messageDigestFor(algorithm), nullptr) == 1;
    }
    Hasher &add(ByteView bytes)
    {
        if (m_ok && !bytes.empty()) {
            m_ok = EVP_DigestUpdate(m_ctx.get(), bytes.data(), bytes.size()) == 1;
        }
        return *this;
    }
    Hasher &add(std::string_view text) { return add(ByteView::fromText(text)); }
    Hasher &separator() { return add(std::string_view(":")); }

    // Empty on an OpenSSL failure (allocation); an empty digest never verifies.
    std::vector<uint8_t> finish()
    {
        std::vector<uint8_t> digest(EVP_MAX_MD_SIZE);
        unsigned int digestBytes = 0;
        if (!m_ok || EVP_DigestFinal_ex(m_ctx.get(), digest.data(), &digestBytes) != 1) {
            return {};
        }
        digest.resize(digestBytes);
        return digest;
    }
    std::string finishHex() { return toHex(finish()); }

private:
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> m_ctx;
    bool m_ok = false;
};

std::vector<uint8_t> computeResponseBytes(const DigestCredentials &credentials, ByteView password,
                                          std::string_view method, ByteView entityBody)
{
    const DigestAlgorithm algorithm = credentials.algorithm;
    // HA1 is password-equivalent: wiped once used.
    std::string ha1 = Hasher(algorithm)
                          .add(credentials.username)
                          .separator()
                          .add(credentials.realm)
                          .separator()
                          .add(password)
                          .finishHex();
    Hasher ha2Hasher(algorithm);
    ha2Hasher.add(method).separator().add(credentials.uri);
    if (credentials.qop == DigestQop::AuthInt) {
        ha2Hasher.separator().add(Hasher(algorithm).add(entityBody).finishHex());
    }
    const std::string ha2 = ha2Hasher.finishHex();

    Hasher response(algorithm);
    response.add(ha1).separator().add(credentials.nonce).separator();
    if (credentials.qop != DigestQop::None) {
        response.add(credentials.nc)
            .separator()
            .add(credentials.cnonce)
            .separator()
            .add(digestQopName(credentials.qop))
            .separator();
    }
    response.add(ha2);
    secureWipe(ha1);
    return response.finish();
}

std::string_view findParam(const DigestParams &params, std::string_view name)
{
    for (const auto &param : params) {
        if (param.first == name) {
            return param.second;
        }
    }
    return {};
}

bool hasParam(const DigestParams &params, std::string_view name)
{
    return std::any_of(params.begin(), params.end(),
                       [&](const auto &param) { return param.first == name; });
}

} // namespace

std::string_view digestAlgorithmName(DigestAlgorithm algorithm)
{
    switch (algorithm) {
    case DigestAlgorithm::MD5:
        return "MD5";
    case DigestAlgorithm::SHA256:
        return "SHA-256";
    case DigestAlgorithm::AKAv1_MD5:
        return "AKAv1-MD5";
    }
    return "MD5";
}

std::string_view digestQopName(DigestQop qop)
{
    switch (qop) {
    case DigestQop::None:
        return {};
    case DigestQop::Auth:
        return "auth";
    case DigestQop::AuthInt:
        return "auth-int";
    }
    return {};
}

Result<DigestChallenge> parseDigestChallenge(std::string_view headerValue)
{
    auto parsed = parseAuthParams(headerValue);
    if (!parsed) {
        return parsed.error();
    }
    const DigestParams &params = parsed.value();
    if (!hasParam(params, "realm") || !hasParam(params, "nonce")) {
        return digestError("digest.missing_param", "challenge lacks realm or nonce");
    }
    DigestChallenge challenge;
    bool qopPresent = false;
    for (const auto &[name, value] : params) {
        if (name == "realm") {
            challenge.realm = value;
        } else if (name == "nonce") {
            challenge.nonce = value;
        } else if (name == "opaque") {
            challenge.opaque = value;
        } else if (name == "domain") {
            challenge.domain = value;
        } else if (name == "algorithm") {
            auto algorithm = parseAlgorithm(value);
            if (!algorithm) {
                return algorithm.error();
            }
            challenge.algorithm = algorithm.value();
        } else if (name == "qop") {
            qopPresent = true;
            std::string_view rest = value;
            while (!rest.empty()) {
                const size_t comma = rest.find(',');
                const std::string_view option = trimmed(rest.substr(0, comma));
                const std::optional<DigestQop> qop = parseQop(option);
                if (qop && std::find(challenge.qopOptions.begin(), challenge.qopOptions.end(),
                                     *qop) == challenge.qopOptions.end()) {
                    challenge.qopOptions.push_back(*qop);
                }
                rest =
                    comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        } else if (name == "stale") {
            if (equalsIgnoringCase(value, "true")) {
                challenge.stale = true;
            } else if (!equalsIgnoringCase(value, "false")) {
                return digestError("digest.bad_param", "stale is neither true nor false");
            }
        } else {
            challenge.otherParams.emplace_back(name, value);
        }
    }
    if (qopPresent && challenge.qopOptions.empty()) {
        return digestError("digest.unsupported_qop", "no supported qop offered");
    }
    return challenge;
}

Result<DigestCredentials> parseDigestCredentials(std::string_view headerValue)
{
    auto parsed = parseAuthParams(headerValue);
    if (!parsed) {
        return parsed.error();
    }
    const DigestParams &params = parsed.value();
    for (const char *required : {"username", "realm", "nonce", "uri", "response"}) {
        if (!hasParam(params, required)) {
            return digestError("digest.missing_param", "credentials lack a required parameter");
        }
    }
    DigestCredentials credentials;
    for (const auto &[name, value] : params) {
        if (name == "username") {
            credentials.username = value;
        } else if (name == "realm") {
            credentials.realm = value;
        } else if (name == "nonce") {
            credentials.nonce = value;
        } else if (name == "uri") {
            credentials.uri = value;
        } else if (name == "response") {
            credentials.response = value;
        } else if (name == "algorithm") {
            auto algorithm = parseAlgorithm(value);
            if (!algorithm) {
                return algorithm.error();
            }
            credentials.algorithm = algorithm.value();
        } else if (name == "qop") {
            const std::optional<DigestQop> qop = parseQop(value);
            if (!qop) {
                return digestError("digest.unsupported_qop", "unsupported qop");
            }
            credentials.qop = *qop;
        } else if (name == "nc") {
            credentials.nc = value;
        } else if (name == "cnonce") {
            credentials.cnonce = value;
        } else if (name == "opaque") {
            credentials.opaque = value;
        } else if (name == "auts") {
            credentials.auts = value;
        } else {
            credentials.otherParams.emplace_back(name, value);
        }
    }
    if (credentials.qop != DigestQop::None) {
        if (!hasParam(params, "nc") || !hasParam(params, "cnonce")) {
            return digestError("digest.missing_param", "qop given without nc and cnonce");
        }
        if (!isNonceCount(findParam(params, "nc"))) {
            return digestError("digest.bad_param", "nc is not 8 hex digits");
        }
    }
    return credentials;
}

Result<std::string> serializeDigestChallenge(const DigestChallenge &challenge)
{
    HeaderWriter writer;
    writer.addQuoted("realm", challenge.realm);
    if (challenge.domain) {
        writer.addQuoted("domain", *challenge.domain);
    }
    writer.addQuoted("nonce", challenge.nonce);
    if (challenge.opaque) {
        writer.addQuoted("opaque", *challenge.opaque);
    }
    if (challenge.stale) {
        writer.addToken("stale", "true");
    }
    writer.addToken("algorithm", digestAlgorithmName(challenge.algorithm));
    if (!challenge.qopOptions.empty()) {
        std::string options;
        for (DigestQop qop : challenge.qopOptions) {
            if (qop == DigestQop::None) {
                continue;
            }
            if (!options.empty()) {
                options += ',';
            }
            options.append(digestQopName(qop));
        }
        writer.addQuoted("qop", options);
    }
    writer.addOther(challenge.otherParams);
    return writer.finish();
}

Result<std::string> serializeDigestCredentials(const DigestCredentials &credentials)
{
    HeaderWriter writer;
    writer.addQuoted("username", credentials.username);
    writer.addQuoted("realm", credentials.realm);
    writer.addQuoted("nonce", credentials.nonce);
    writer.addQuoted("uri", credentials.uri);
    writer.addToken("algorithm", digestAlgorithmName(credentials.algorithm));
    writer.addQuoted("response", credentials.response);
    if (credentials.qop != DigestQop::None) {
        if (!isNonceCount(credentials.nc)) {
            return digestError("digest.bad_param", "nc is not 8 hex digits");
        }
        writer.addToken("qop", digestQopName(credentials.qop));
        writer.addToken("nc", credentials.nc);
        writer.addQuoted("cnonce", credentials.cnonce);
    }
    if (credentials.opaque) {
        writer.addQuoted("opaque", *credentials.opaque);
    }
    if (credentials.auts) {
        writer.addQuoted("auts", *credentials.auts);
    }
    writer.addOther(credentials.otherParams);
    return writer.finish();
}

std::string computeDigestResponse(const DigestCredentials &credentials, ByteView password,
                                  std::string_view method, ByteView entityBody)
{
    return toHex(computeResponseBytes(credentials, password, method, entityBody));
}

DigestCredentials answerDigestChallenge(const DigestChallenge &challenge, std::string username,
                                        ByteView password, std::string_view method, std::string uri,
                                        std::string cnonce, uint32_t nc, ByteView entityBody,
                                        bool preferAuthInt)
{
    const auto offers = [&](DigestQop qop) {
        return std::find(challenge.qopOptions.begin(), challenge.qopOptions.end(), qop) !=
               challenge.qopOptions.end();
    };
    DigestCredentials credentials;
    credentials.username = std::move(username);
    credentials.realm = challenge.realm;
    credentials.nonce = challenge.nonce;
    credentials.uri = std::move(uri);
    credentials.algorithm = challenge.algorithm;
    credentials.opaque = challenge.opaque;
    if (offers(DigestQop::AuthInt) && (preferAuthInt || !offers(DigestQop::Auth))) {
        credentials.qop = DigestQop::AuthInt;
    } else if (offers(DigestQop::Auth)) {
        credentials.qop = DigestQop::Auth;
    }
    if (credentials.qop != DigestQop::None) {
        char ncText[9];
        std::snprintf(ncText, sizeof ncText, "%08x", static_cast<unsigned int>(nc));
        credentials.nc = ncText;
        credentials.cnonce = std::move(cnonce);
    }
    credentials.response = computeDigestResponse(credentials, password, method, entityBody);
    return credentials;
}

Result<void> verifyDigestResponse(const DigestCredentials &credentials, ByteView password,
                                  std::string_view method, ByteView entityBody)
{
    if (credentials.qop == DigestQop::None) {
        return digestError("digest.missing_param", "server requires qop");
    }
    const std::vector<uint8_t> expected =
        computeResponseBytes(credentials, password, method, entityBody);
    auto received = fromHex(credentials.response);
    if (!received || received.value().size() != expected.size() || expected.empty()) {
        return digestError("digest.bad_response", "response has the wrong form");
    }
    if (!constantTimeEquals(ByteView(received.value()), ByteView(expected))) {
        return digestError("digest.bad_response", "response does not match");
    }
    return {};
}

} // namespace Portal::Crypto
