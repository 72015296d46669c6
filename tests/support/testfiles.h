#pragma once
// Small helpers many tests share: reading and writing a file whole, and fixed-size byte arrays
// from hex literals (keys, OPc, RAND in the tests' own notation).

#include <QByteArray>
#include <QFile>
#include <QString>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace Portal::Testing {

// The whole file, or empty when it cannot be read (the test's next check then fails).
inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QByteArray readFile(const std::string &path)
{
    return readFile(QString::fromStdString(path));
}

// Writes the whole file (owner-only permissions: it may hold a key); false on any failure.
inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return file.write(content) == content.size() && file.flush();
}

// N bytes from 2N hex digits; shorter input leaves the rest zero.
template<size_t N>
std::array<uint8_t, N> arrayFromHex(const QByteArray &hex)
{
    std::array<uint8_t, N> out{};
    const QByteArray bytes = QByteArray::fromHex(hex).left(qsizetype(N));
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
}

} // namespace Portal::Testing
