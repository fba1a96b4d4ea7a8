// The C-compatible subset of C++ that POD headers are written in.
#pragma once
#include <cstdint>
#include <cstddef>

namespace telemetry {
namespace v2 {

constexpr int kMaxCars = 6;
static constexpr uint32_t kNameLen = 16;

enum class Status : uint8_t { Off, Replay, Live = 7 };
enum Weather : uint16_t { Dry = 1, Wet = 2 };

struct Car {
    uint32_t id;
    bool inPit;             // C++ bool
    Status status;          // a scoped enum of one byte
    float speedKmh;
    char driverName[kNameLen];
};

extern "C" {
struct Header {
    uint32_t version;
    Weather weather;        /* an enum of two bytes */
};
}

struct Page {
    Header header;          // a struct's name used without struct
    int32_t numCars;
    Car cars[kMaxCars];
    double clock;
};

static_assert(sizeof(Car) == 28, "Car is 28 bytes");
static_assert(offsetof(Page, cars) == 12);

} // namespace v2
} // namespace telemetry
