// The shop's products: one title per category (books, video, dvd, music) on each of four topics,
// so that "videos on the topics of their books" and "the DVD of the same film" have an answer.
export const TOPICS = {
  rivers: 'rivers and wildlife',
  space: 'space and the planets',
  baking: 'baking',
  jazz: 'jazz',
};

export const CATEGORIES = { books: 'Book', video: 'Video', dvd: 'DVD', music: 'Music' };

export const PRODUCTS = [
  { id: 'b-rivers', category: 'books', topic: 'rivers', title: 'The Hidden Life of Rivers', price: 18 },
  { id: 'v-rivers', category: 'video', topic: 'rivers', title: 'Rivers: A Year in the Wild', price: 9.99 },
  { id: 'd-rivers', category: 'dvd', topic: 'rivers', title: 'Rivers: A Year in the Wild (DVD)', price: 19.99 },
  { id: 'm-rivers', category: 'music', topic: 'rivers', title: 'Sounds of the River', price: 12 },
  { id: 'b-space', category: 'books', topic: 'space', title: 'A Short Tour of the Planets', price: 22 },
  { id: 'v-space', category: 'video', topic: 'space', title: 'Beyond the Moon', price: 11.99 },
  { id: 'd-space', category: 'dvd', topic: 'space', title: 'Beyond the Moon (DVD)', price: 21.99 },
  { id: 'm-space', category: 'music', topic: 'space', title: 'Music for Starlight', price: 13 },
  { id: 'b-baking', category: 'books', topic: 'baking', title: 'Bread Every Day', price: 24 },
  { id: 'v-baking', category: 'video', topic: 'baking', title: "The Bakers' Year", price: 9.99 },
  { id: 'd-baking', category: 'dvd', topic: 'baking', title: "The Bakers' Year (DVD)", price: 18.99 },
  { id: 'm-baking', category: 'music', topic: 'baking', title: 'Kitchen Swing', price: 11 },
  { id: 'b-jazz', category: 'books', topic: 'jazz', title: 'Blue Notes: A History of Jazz', price: 26 },
  { id: 'v-jazz', category: 'video', topic: 'jazz', title: 'Kind of Live', price: 12.99 },
  { id: 'd-jazz', category: 'dvd', topic: 'jazz', title: 'Kind of Live (DVD)', price: 22.99 },
  { id: 'm-jazz', category: 'music', topic: 'jazz', title: 'Late Sets at the Vanguard', price: 14 },
];

export const productById = (id) => PRODUCTS.find((p) => p.id === id);
