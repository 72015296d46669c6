#include "cobs.h"

namespace Portal {
namespace Protocol {

namespace {

CobsResult failure(CobsError error)
{
    CobsResult result = {error, 0};
    return result;
}

} // namespace

CobsResult cobsEncode(const uint8_t *input, size_t inputSize, uint8_t *output,
                      size_t outputCapacity)
{
    if (outputCapacity == 0)
        return failure(CobsError::OutputTooSmall);
    size_t codeIndex = 0; // where the code byte of the current run goes
    size_t written = 1;
    uint8_t code = 1; // 1 + bytes in the current run
    for (size_t i = 0; i < inputSize; ++i) {
        if (input[i] != 0) {
            if (written >= outputCapacity)
                return failure(CobsError::OutputTooSmall);
            output[written++] = input[i];
            ++code;
        }
        // A zero ends a run; so does a full run of 254, but then only if more input follows,
        // which keeps the encoding shortest.
        const bool runEnds = input[i] == 0 || (code == 0xFF && i + 1 < inputSize);
        if (runEnds) {
            output[codeIndex] = code;
            if (written >= outputCapacity)
                return failure(CobsError::OutputTooSmall);
            codeIndex = written++;
            code = 1;
        }
    }
    output[codeIndex] = code;
    CobsResult result = {CobsError::None, written};
    return result;
}

CobsResult cobsDecode(const uint8_t *input, size_t inputSize, uint8_t *output,
                      size_t outputCapacity)
{
    if (inputSize == 0)
        return failure(CobsError::TruncatedBlock);
    size_t read = 0;
    size_t written = 0;
    while (read < inputSize) {
        const uint8_t code = input[read++];
        if (code == 0)
            return failure(CobsError::ZeroInInput);
        const size_t runBytes = static_cast<size_t>(code - 1);
        if (runBytes > inputSize - read)
            return failure(CobsError::TruncatedBlock);
        for (size_t i = 0; i < runBytes; ++i) {
            const uint8_t byte = input[read++];
            if (byte == 0)
                return failure(CobsError::ZeroInInput);
            if (written >= outputCapacity)
                return failure(CobsError::OutputTooSmall);
            output[written++] = byte;
        }
        // The implicit zero after a run exists only between runs, and never after a full one.
        if (code != 0xFF && read < inputSize) {
            if (written >= outputCapacity)
                return failure(CobsError::OutputTooSmall);
            output[written++] = 0;
        }
    }
    CobsResult result = {CobsError::None, written};
    return result;
}

} // namespace Protocol
} // namespace Portal
