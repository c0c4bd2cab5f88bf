"""One module per rule family of the relocation sequence (hard, then soft); see ``registry``."""
