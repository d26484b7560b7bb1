import mongoose from 'mongoose';
const uri = process.argv[2];
const c = await mongoose.createConnection(uri + 'racecheck').asPromise();
const col = c.db.collection('t');
await col.drop().catch(()=>{});
let wins = {upd:0, fam:0};
for (let round = 0; round < 5; round++) {
  await col.deleteMany({});
  await col.insertOne({ _id: 1, v: 0 });
  const res = await Promise.all(Array.from({length: 30}, () => col.updateOne({ _id: 1, v: 0 }, { $set: { v: 1 } })));
  wins.upd += res.filter(r => r.modifiedCount === 1).length;
  await col.updateOne({ _id: 1 }, { $set: { v: 0 } });
  const res2 = await Promise.all(Array.from({length: 30}, () => col.findOneAndUpdate({ _id: 1, v: 0 }, { $set: { v: 1 } })));
  wins.fam += res2.filter(r => r !== null).length;
}
console.log(uri, wins, '(5 = atomic)');
await c.dropDatabase(); await c.close();
