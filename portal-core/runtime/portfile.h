#pragma once
// Programs listen on port 0 by default and report what they bound, so tests never guess:
// a log line, and a port file written atomically (write + rename) with the port number.

#include <portal-core/base/result.h>

#include <QString>

namespace Portal::Runtime {

// Writes "<port>\n" to path. Errors: `runtime.port_file`.
Result<void> writePortFile(const QString &path, quint16 port);

} // namespace Portal::Runtime
