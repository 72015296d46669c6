#pragma once
// iot-bsf's commands: `serve` (the default) and `subscriber add|list|remove` for the HSS store.
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or config, 3 cannot start (database,
// TLS files, port).

#include <QStringList>

namespace Portal::Bsf {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCannotStart = 3 };

int runBsfProgram(const QStringList &arguments);

} // namespace Portal::Bsf
