#pragma once
// iot-m2m-service: the M2M service each instance runs (DESIGN §2, §4.5). Serves the oneM2M API,
// the admin API and the command WebSockets on one listener until SIGTERM/SIGINT, then stops
// accepting, closes the command sockets and closes the database (WAL folded in).
// Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or config, 3 cannot start
// (database, TLS files, port).

#include <QStringList>

namespace Portal::M2mService {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCannotStart = 3 };

int runM2mServiceProgram(const QStringList &arguments);

} // namespace Portal::M2mService
