"""Board commands (card.move, card.create, …)."""
