package dev.vortex; public final class Vortexd { public static void main(String[] a){} }
