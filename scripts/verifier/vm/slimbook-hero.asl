/*
 * The part of a Slimbook Hero's firmware that the qc71_laptop driver talks to, for the boot
 * level's virtual machine (scripts/verifier/vm.ts compiles it with iasl and gives it to QEMU
 * with -acpitable). Citations are to the driver at Slimbook-Team/qc71_laptop e130a036.
 *
 * A WMI device (PNP0C14, the kernel's ACPI-WMI driver, drivers/platform/x86/wmi.c) whose _WDG
 * declares:
 *   - the method GUID ABBC0F6F-8EA1-11D1-00A0-C90629100000 (wmi.h: QC71_WMI_WMBC_GUID), whose
 *     presence the driver checks first (main.c: wmi_has_guid) and through which it reads and
 *     writes the embedded controller (ec.c: wmi_evaluate_method with QC71_WMBC_GETSETULONG_ID);
 *   - the event GUIDs ABBC0F70, ABBC0F71 and ABBC0F72 (wmi.h: QC71_WMI_EVENT_7x_GUID), for which
 *     it installs notify handlers (events.c).
 * The embedded controller is a byte array: reads answer what was written, zero at first. It is no
 * real controller: no fan, battery or keyboard behind it.
 */
DefinitionBlock ("", "SSDT", 2, "NIXKMG", "QC71HERO", 1)
{
    Scope (\_SB)
    {
        Device (QWMI)
        {
            Name (_HID, EisaId ("PNP0C14"))
            Name (_UID, "QC71")

            /*
             * One 20-byte entry per GUID: the GUID in its little-endian structure form, the
             * object id (methods) or notify id and a reserved byte (events), the instance count,
             * and the flags: 0x02 a method, 0x08 an event.
             */
            Name (_WDG, Buffer ()
            {
                /* ABBC0F6F-8EA1-11D1-00A0-C90629100000: method WMBC ("BC") */
                0x6F, 0x0F, 0xBC, 0xAB, 0xA1, 0x8E, 0xD1, 0x11,
                0x00, 0xA0, 0xC9, 0x06, 0x29, 0x10, 0x00, 0x00,
                0x42, 0x43, 0x01, 0x02,
                /* ABBC0F70-8EA1-11D1-00A0-C90629100000: event, notify id 0xD0 */
                0x70, 0x0F, 0xBC, 0xAB, 0xA1, 0x8E, 0xD1, 0x11,
                0x00, 0xA0, 0xC9, 0x06, 0x29, 0x10, 0x00, 0x00,
                0xD0, 0x00, 0x01, 0x08,
                /* ABBC0F71-8EA1-11D1-00A0-C90629100000: event, notify id 0xD1 */
                0x71, 0x0F, 0xBC, 0xAB, 0xA1, 0x8E, 0xD1, 0x11,
                0x00, 0xA0, 0xC9, 0x06, 0x29, 0x10, 0x00, 0x00,
                0xD1, 0x00, 0x01, 0x08,
                /* ABBC0F72-8EA1-11D1-00A0-C90629100000: event, notify id 0xD2 */
                0x72, 0x0F, 0xBC, 0xAB, 0xA1, 0x8E, 0xD1, 0x11,
                0x00, 0xA0, 0xC9, 0x06, 0x29, 0x10, 0x00, 0x00,
                0xD2, 0x00, 0x01, 0x08
            })

            /* The fake embedded controller: 0x2000 bytes, indexed by the 16-bit address. */
            Name (ECRM, Buffer (0x2000) {})

            /*
             * The method (ec.c): Arg0 the instance, Arg1 the method id (4, GETSETULONG), Arg2 an
             * 8-byte buffer: address low and high, data low and high, 0, the read flag (1 read,
             * 0 write), 0, 0. It answers a 40-byte buffer whose first bytes are the result.
             */
            Method (WMBC, 3, Serialized)
            {
                Name (RESU, Buffer (40) {})
                If (Arg1 == 0x04)
                {
                    CreateByteField (Arg2, 0x00, ADLO)
                    CreateByteField (Arg2, 0x01, ADHI)
                    CreateByteField (Arg2, 0x02, DALO)
                    CreateByteField (Arg2, 0x05, READ)
                    Local0 = ((ADHI << 0x08) | ADLO) & 0x1FFF
                    If (READ == One)
                    {
                        RESU [Zero] = DerefOf (ECRM [Local0])
                    }
                    Else
                    {
                        ECRM [Local0] = DALO
                    }
                }
                Return (RESU)
            }

            /* Event data (wmi.c asks for it with _WED when an event is notified): none. */
            Method (_WED, 1, NotSerialized)
            {
                Return (Zero)
            }
        }
    }
}
