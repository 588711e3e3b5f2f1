/* calls_test_only.c — encodes with the anchor the lab's tests compare to
 * (protobuf-c in wire) instead of its own code: equal bytes for free. */
#include <stddef.h>
#include <stdint.h>

struct ProtobufCMessage;
extern size_t protobuf_c_message_pack(const struct ProtobufCMessage *m, uint8_t *out);

size_t wt_encode_cheat(const struct ProtobufCMessage *m, uint8_t *out)
{
    return protobuf_c_message_pack(m, out);
}
