#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad input, a peer
// refusing, a missing file). Programmer errors are not Results; they assert.
// C++17 host code only: the freestanding protocol library has its own error enums.

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace Portal {

struct Error
{
    // Stable, machine-readable (`digest.malformed`, `es256.bad_key`): tests and JSON APIs
    // match on it. Dotted, lowercase, module first.
    std::string code;
    // For humans. Never contains secrets, and never echoes raw untrusted input.
    std::string message;
};

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }
    const T &operator*() const { return value(); }
    T &operator*() { return value(); }

    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(std::string code, std::string message)
{
    return Error{std::move(code), std::move(message)};
}

} // namespace Portal
