// recovery_anchor_cxx.cpp — the C++ side of the recovery anchor: a call
// guarded by a destructor (RAII, the C++ defer) inside try/catch, once
// returning normally and once throwing an exception that the catch stops
// (the C++ recover). Called from C through extern "C".
#include <stdexcept>

namespace
{
volatile long counter;

struct Unlock {
    ~Unlock()
    {
        counter = counter + 1;
    }
};

__attribute__((noinline)) void guarded()
{
    Unlock u;
    counter = counter + 1;
}

__attribute__((noinline)) void throws()
{
    Unlock u;
    throw std::runtime_error("bad request");
}
} // namespace

extern "C" void rcv_anchor_cxx_no_throw(void)
{
    try {
        guarded();
    } catch (const std::exception &) {
        counter = counter + 1;
    }
}

extern "C" void rcv_anchor_cxx_throw_catch(void)
{
    try {
        throws();
    } catch (const std::exception &) {
        counter = counter + 1;
    }
}
