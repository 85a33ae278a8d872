# Stand-in for nixpkgs' nixos/modules/profiles/qemu-guest.nix, which
# hardware-configuration.nix imports for virtual machines: virtio drivers in the initrd.
{ ... }:
{
  boot.initrd.availableKernelModules = [
    "virtio_net"
    "virtio_pci"
    "virtio_mmio"
    "virtio_blk"
    "virtio_scsi"
    "9p"
    "9pnet_virtio"
  ];
  boot.initrd.kernelModules = [
    "virtio_balloon"
    "virtio_console"
    "virtio_rng"
  ];
}
