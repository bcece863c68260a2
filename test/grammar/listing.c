// SYNTAX TEST "source.vpci-listing" "pseudo-C driver listing"
/* Standard attach entry point. */
// <- comment.block.c punctuation.definition.comment.begin.c
static int
// <- storage.modifier.c
//     ^^^ storage.type.built-in.c
vmbus_pcib_attach(device_t dev)
// <- entity.name.function.c
//                ^^^^^^^^ storage.type.built-in.c
{
    const int pci_ring_size = (4 * PAGE_SIZE);
//  ^^^^^ storage.modifier.c
//                             ^ constant.numeric.decimal.c
//                                 ^^^^^^^^^ variable.other.constant.c
    struct hv_pcibus *hbus;
//  ^^^^^^ storage.type.c
    hbus = malloc(sizeof(*hbus), M_DEVBUF, M_WAITOK | M_ZERO);
//         ^^^^^^ entity.name.function.c
//                ^^^^^^ keyword.operator.sizeof.c
    hbus->pci_domain = inst_guid->hv_guid[9] | (inst_guid->hv_guid[8] << 8);
//      ^^ punctuation.accessor.c
    if (!hbus->cfg_res) {
//  ^^ keyword.control.c
        device_printf(dev, "failed %d to get resource\n", ret);
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.c
//                                 ^^ constant.other.placeholder.c
//                                                   ^^ constant.character.escape.c
        return (ENXIO);
//      ^^^^^^ keyword.control.c
    if (ret)
        goto vmbus_close;
//      ^^^^ keyword.control.c
vmbus_close:
// <- entity.name.label.c
    msg->message_type = 0x42490007;
//                      ^^^^^^^^^^ constant.numeric.hexadecimal.c
    ptr = NULL;
//        ^^^^ constant.language.c
